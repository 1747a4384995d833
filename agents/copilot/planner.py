"""The deterministic planner: a bilingual reading of a staff request into the tool calls that answer it.

Used when no model is configured (and in CI). It reads intents for every tool from Chinese and English cue words,
fills slots (case ids, amounts, shares, months, dates, hours, N, sort keys, filters) with :mod:`agents.copilot.slots`,
and resolves follow-ups ("那他的担保人呢？", "那C000124呢？", "深圳呢？") from the conversation's memory. Requests it
will not serve (prompt injection, bulk export of personal data, forgery, threats) are refused; requests it cannot
place are answered with a question.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from agents.copilot import slots

Kind = Literal["tools", "help", "clarify", "refuse"]
CASE_BOUND = frozenset({"case_facts", "triage", "next_action", "value_case", "offer", "draft_reminder",
                        "contract_terms", "draft_legal", "record_promise", "hand_off"})  # fmt: skip


class PlannedCall(BaseModel):
    """One tool call the planner emits."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class Memory(BaseModel):
    """What the conversation remembers between turns (kept in the graph state)."""

    case_id: str | None = None
    case_ids: list[str] = Field(default_factory=list, description="The last set of cases (a comparison or a list)")
    last_calls: list[PlannedCall] = Field(default_factory=list)
    last_text: str = ""


class Plan(BaseModel):
    """The planner's reading of one message."""

    kind: Kind
    calls: list[PlannedCall] = Field(default_factory=list)
    reason: str = ""


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


def _add(found: list[str], name: str) -> None:
    if name not in found:
        found.append(name)


# ---- refusals -----------------------------------------------------------------------------------

_INJECTION = _rx(
    r"(忽略|无视|忘掉|忘记|抛开|不要管|别管|跳过).{0,8}(指令|规则|设定|提示|限制|要求|约束|规定|合规)",
    r"ignore\s+(all\s+|your\s+|any\s+|the\s+|every\s+)?(previous\s+|prior\s+|above\s+|earlier\s+)?"
    r"(instructions|rules|prompts?|guidelines|restrictions|policies|polic(y|ies))",
    r"(forget|disregard|override)\s+(all\s+|your\s+|the\s+|any\s+)?(previous\s+|prior\s+)?(instructions|rules|guidelines|policies|training)",
    r"system\s*prompt", r"系统提示\s*[:：]", r"(系统|system)\s*(指令|消息|message)\s*[:：]",
    r"<\s*/?\s*system\s*>", r"\[\s*system\s*\]",
    r"\bDAN\b", r"jailbreak", r"越狱", r"developer\s+mode", r"开发者模式", r"god\s+mode", r"sudo\b",
    r"(管理员|admin|老板|行长|领导).{0,8}(已授权|授权你|已批准|批准了|authori[sz]ed|approved)",
    r"(关闭|绕过|跳过|取消|不用|不要|别).{0,4}(合规|审查|审核|检查)",
    r"(disable|bypass|skip|turn\s+off|without)\s+.{0,12}(compliance|review|checks?)",
    r"(你现在是|从现在开始你是|扮演|假设你是).{0,12}(没有|不受|无).{0,4}(限制|约束|规则)",
    r"(no|without)\s+(restrictions|limits|rules|filters)",
    r"(act|behave)\s+as\s+(an?\s+)?(unrestricted|unfiltered)",
    r"(打印|输出|显示|告诉我).{0,6}(系统提示|提示词|你的指令|你的规则)",
    r"(print|reveal|show|repeat)\s+.{0,12}(prompt|instructions)",
)  # fmt: skip
_PII_DUMP = _rx(
    r"(导出|导成|dump|export|发我|发到|发给我|列出|打印|print|tell\s+me|give\s+me|给我|告诉我|查出|show\s+me|list|send\s+me|"
    r"what\s*'?s|what\s+is|是多少|多少|找出|查一下|查查|查到)"
    r".{0,30}(身份证号?|证件号|银行卡号|卡号|完整.{0,4}(手机号|电话|号码|地址)|家庭住址|家庭地址|住址|家在哪|住哪|住在哪|"
    r"ID\s*(card\s*)?numbers?|identity\s+numbers?|card\s*numbers?|bank\s+account\s+numbers?|home\s+address(es)?|"
    r"full\s+(phone|mobile)\s+numbers?|unmasked)",
    r"(身份证号?|证件号|银行卡号|家庭住址|家庭地址|住址|ID\s*numbers?|home\s+address).{0,12}(发我|给我|导出|告诉我|是多少|多少|发一下|列一下|\?|？)",
    r"(所有|全部|全体|每个|every|all|whole|entire).{0,12}(客户|债务人|联系人|借款人|案件|customers?|debtors?|borrowers?|clients?).{0,10}"
    r"(手机号|电话|号码|名单|资料|信息|数据|phone|numbers?|list|data|details|records)",
    r"(导出|dump|export|下载|download|打包发).{0,12}(数据库|database|全部数据|所有数据|客户名单|客户资料|customer\s+(list|data))",
    r"(他|她)(家|女儿|儿子|老婆|老公|孩子).{0,6}(住|在)哪",
    r"where\s+(does|do)\s+(he|she|they|his|her).{0,20}(live|go\s+to\s+school|work)",
)  # fmt: skip
_FORGERY = _rx(
    r"伪造", r"假冒", r"冒充", r"仿造", r"编造.{0,10}(判决|传票|立案|通缉|逮捕|拘留|公文|文书|证明)",
    r"(假装|扮成|装成|以).{0,4}(你|我们)?(是)?.{0,4}(公安|警察|警方|法院|法官|律师|检察|公检法|派出所)(的)?(名义|身份|口吻)?",
    r"(假|伪)的?.{0,4}(律师函|法院|传票|判决书|公函|公章)", r"(盖|刻).{0,4}(公章|法院的章)",
    r"(fake|forged?|counterfeit|phony|bogus|made[-\s]up)\s+.{0,24}(court|police|lawyer|attorney|summons|letterhead|warrant|subpoena|"
    r"judgment|notice|seal|stamp)",
    r"(pretend|claim|say)\s+(to\s+be|you\s*'?re|we\s*'?re|that\s+we\s*'?re)\s+.{0,16}(police|court|lawyer|attorney|judge|officer|law\s+firm)",
    r"impersonat", r"pose\s+as",
)  # fmt: skip
_THREAT_REQUEST = _rx(
    r"(写|拟|编|发|起草|帮我|给我|做|告诉他|跟他说|吓).{0,24}(不还钱?就|不还的话|威胁|恐吓|吓唬|吓吓|曝光|社死|骂|辱骂|"
    r"发到.{0,8}(群|朋友圈|网上|微博|抖音)|通知.{0,6}(单位|公司|家人|亲友|全家|领导|同事)|坐牢|抓起来|被抓|拘留)",
    r"(爆|轰炸|呼死|打爆).{0,6}(通讯录|电话|他|她)",
    r"(给|打给|通知|告诉).{0,4}(他|她)?(全家|所有亲戚|所有联系人|通讯录里的人)",
    r"(打到|找到|去).{0,4}(他|她)?(公司|单位|学校).{0,8}(闹|说|找|曝光|让.{0,6}知道)",
    r"(write|draft|send|compose|make).{0,40}(threat|scar(e|y)|intimidat|expose|shame|humiliat|jail|arrest|post\s+.{0,20}(group|wechat|online|social))",
    r"(tell|call|text|message|email|inform|notify|contact).{0,30}(his|her|their|the\s+debtor'?s)\s+(boss|employer|family|wife|husband|"
    r"parents|colleagues|co-?workers|contacts|friends|neighbou?rs|relatives)"
    r".{0,40}(debt|owes|owing|loan|money|arrears|overdue|pay\s+up)",
    r"(告诉|通知|告知|让).{0,6}(他|她)?(的)?(老板|领导|单位|公司|同事|家人|亲戚|朋友|邻居|父母|老婆|老公).{0,12}(欠钱|欠款|欠债|不还钱|逾期|老赖)",
    r"(学校门口|去学校|在哪个学校|堵(她|他|人)|跟踪|蹲守|蹲点)",
    r"(stalk|follow\s+(her|him)\s+home|wait\s+outside\s+.{0,10}(school|home|house))",
    r"吓唬", r"让(他|她).{0,6}(社死|难堪|丢人)",
)  # fmt: skip

# ---- help and review ----------------------------------------------------------------------------

_HELP = _rx(
    r"^\s*(你好[,，!！]?\s*)?(你|您)?(能|可以|会)(做|干|帮).{0,6}(什么|啥|哪些)", r"(有)?(哪些|什么)功能", r"怎么用",
    r"^\s*(帮助|help|使用说明|\?|？)\s*[!！。.]?\s*$", r"what\s+(can|do)\s+you\s+do", r"what\s+.{0,20}can\s+you\s+help",
    r"how\s+do\s+I\s+use\s+you",
)  # fmt: skip
_REVIEW = _rx(
    r"^\s*(review|check|审核|审查|检查|合规检查)\s*(一下)?\s*[:：]",
    r"(审核|审查|检查|核查|看下|看看|看一下|帮我看|review|check)\s*(一下)?\s*(这条|这段|这个|以下|下面|下列|this|the\s+following)",
    r"合不合规", r"合规吗", r"是否合规", r"有没有违规", r"违规的地方", r"能发吗", r"可以发吗", r"能不能发",
    r"for\s+compliance", r"is\s+this\s+(message|text|sms|script|ok)", r"compliance\s+(check|review)",
)  # fmt: skip
_SEPARATOR = re.compile(r"[：:→\n]|->|=>")

# ---- tool intents -------------------------------------------------------------------------------

_SEARCH_LAW = _rx(
    r"《[^》]{2,30}》",
    r"法律|法规|条例|规定|监管|办法|公约|自律|司法解释|民法典|个保法|个人信息保护法|"
    r"民事诉讼法|刑法|诉讼时效|时效|法条|条文|依据|哪条",
    r"有什么要求|怎么规定|如何规定|是怎么说的|怎么说的|是否合法|合法吗|违法吗|犯法吗|算违规吗|有没有规定|允许吗",
    r"可以起诉吗|能起诉吗|能不能起诉|怎么起诉|起诉需要|需要准备什么|要准备哪些|什么材料|打官司需要",
    r"\b(regulations?|rules?\s+(on|about|for)|the\s+rules|law|laws|legal\s+requirements?|statute|legally|PIPL|civil\s+code|"
    r"limitation\s+period|what\s+does\s+the\s+law|is\s+it\s+legal|according\s+to)\b",
)  # fmt: skip
_SEARCH_SCRIPT = _rx(
    r"话术模板|模板|有没有.{0,16}话术|应对.{0,4}话术|话术库", r"script\s+templates?|templates?|any\s+scripts?"
)
_LIST = _rx(
    r"列出|列一下|列个|排序|按.{0,8}排|排个序|排名|排行|名单|清单|最高的|最多的|最长的|最低的|最少的|最大的|最小的|最久的",
    r"前\s*[\d一二三四五六七八九十]+\s*[个户名条笔]|哪几[个户笔]|有哪些|哪些案件|哪些客户|哪些户|的单子|单子|拉一下|拉个|筛一下|筛选|给我看看|看看.{0,4}(有哪些|案件)",
    r"\btop\s*\d+|\blist\b|\bwhich\s+\d+|\bsort|\brank|highest|lowest|largest|smallest|biggest|\bcases\s+(in|with|over|above|under)",
    r"\bshow\s+(me\s+)?(all|the)\s+.{0,20}cases|\bhow\s+many\s+cases",
)  # fmt: skip
_COMPARE = _rx(
    r"对比|比较|比一下|比呢|比比|对照|哪个更|哪个好|哪个容易|区别|差别|\bcompare|\bversus\b|\bvs\.?\b|difference\s+between|side\s+by\s+side"
)
_PACKAGE = _rx(
    r"打包|资产包|打个包|一起卖|包起来|批量转让|整包|\bpackage\b|\bbundle\b|\bportfolio\s+sale|sell\s+(them|these).{0,12}together"
)
_VALUE = _rx(
    r"值多少|估值|估个价|估价|回收率|能收回|收回多少|回收多少|能回收|回收预期|预计回收|预期回收|能回来多少|覆盖欠款|能卖多少|卖多少钱|房子值|价值|净现值",
    r"抵押物.{0,4}值",
    r"expected\s+recovery|recovery\s+(rate|value|estimate)|\bworth\b|valuation|\bvalue\b|\bNPV\b|how\s+much\s+(can|could|will)\s+we\s+(recover|get\s+back|collect)|recoverable",
)  # fmt: skip
_OFFER = _rx(
    r"减免|结清|了结|一次性|[一二三四五六七八九\d.]+\s*折|打折|折扣|让利|让步|分期|分\s*[\d一二三四五六七八九十两]+\s*期|分几期|还款方案|还款计划|方案|能批吗|优惠|最多能让|让多少|能谈|减掉|免掉|少还",
    r"settle|settlement|instal+ments?|monthly\s+payments?|lump[\s-]*sum|best\s+we\s+can\s+offer|\boffer\b|pay\s+(it\s+)?off|discount|"
    r"payment\s+plan|repayment\s+plan|haircut|waive|waiver|write[\s-]?off|concession|close\s+(out\s+)?the\s+(account|loan|debt)|"
    r"clear\s+the\s+(debt|balance)|(a|per)\s+month|每月|每个月|月供|销户",
)  # fmt: skip
_OFFER_MAX = _rx(r"最多|最大|最优|最好的方案|最多能让|能让多少|best\s+we\s+can|maximum|the\s+most|best\s+offer")
_INSTALMENT = _rx(
    r"分期|分\s*[\d一二三四五六七八九十两]+\s*(期|年)|instal+ment|monthly|months|payment\s+plan|分一年|分两年|(a|per)\s+month|每月|每个月|月供"
)
_DRAFTING = _rx(
    r"(写|拟|起草|编|出|生成|做|来)\s*.{0,10}(短信|提醒|话术|微信|消息|文案|催收函|通知|催款)",
    r"(draft|write|compose|prepare|create|generate)\s+.{0,24}(reminder|sms|text|message|script|notice|wechat)",
)  # fmt: skip
_REMINDER = _rx(
    _DRAFTING.pattern, r"发\s*(个|条|一条|一个)?\s*(短信|微信|提醒|消息|app)", r"提醒一下", r"催一下",
    r"send\s+.{0,12}reminder",
)  # fmt: skip
_LEGAL_DOC = _rx(
    r"起诉状|诉状|起诉书|保全|支付令|督促程序|(帮|给|替|对|把|要|准备)\s*#?\s*(提起)?(起诉|诉讼|打官司)(?!吗|需要|的条件|条件|时效)|\bcomplaint\b|preservation|payment\s+order|lawsuit\s+filing|file\s+(a\s+)?(law)?suit|\bsue\b|take\s+.{0,12}to\s+court"
)
_CONTRACT = _rx(
    r"合同|契约|条款|约定|管辖|违约金|违约条款|罚息咋算|罚息怎么算|借款协议|贷款协议",
    r"\bcontract\b|\bterms\b|jurisdiction|governing\s+law|clauses?|agreement\s+says|loan\s+agreement",
)  # fmt: skip
_PROMISE_CUE = _rx(
    r"承诺|答应|保证|说好|约好|约定.{0,4}还|说.{0,8}还|表示.{0,6}还|会还|登记|记录一下|记一下|记下|备注",
    r"promis|\blog\b|\brecord\b|will\s+pay|agreed\s+to\s+pay|commit(ted|s)?\s+to\s+pay|note\s+(that|down)",
)  # fmt: skip
_PROMISE_READ = _rx(
    r"承诺记录|承诺情况|承诺过|之前答应|答应过|promise\s+history|past\s+promises|his\s+promises|her\s+promises|promises\?"
)
_HANDOFF = _rx(
    r"转人工|转给|转交|转到|交给.{0,6}(主管|领导|法务|组长|人工|专人|同事|资深)|转主管|转法务|转组长|转一下主管|升级处理|上报|不想活|活不下去|轻生|自杀|寻死|跳楼",
    r"escalat|hand\s*(it\s+)?off|hand\s+(it|this|the\s+case)?\s*over|hand\s+(it|this(\s+one)?|the\s+case|him|her)\s+(over\s+)?to|transfer\s+(it\s+|this\s+|the\s+case\s+)?to|pass\s+(it\s+|this\s+)?to\s+(a\s+|the\s+)?"
    r"(supervisor|person|legal|human|manager|team\s+lead)|assign\s+(it\s+|this\s+)?to\s+(a\s+|the\s+)?(supervisor|manager|legal)|suicid|kill\s+(my|him|her)self",
)  # fmt: skip
_GATE_Q = _rx(
    r"(能|可以|可不可以|能不能|行不行|合规吗|允许|是否可以|行吗|可以吗|能否|合适吗|方便吗|违规吗)",
    r"\b(ok|okay|allowed|legal|fine|safe|alright)\s+to\b",
    r"\b(can|may|could)\s+(I|we)\b", r"\bam\s+I\s+allowed", r"\bis\s+it\s+(ok|okay|allowed|fine)",
    r"too\s+(early|late)|太早|太晚",
)  # fmt: skip
_QUESTION = _rx(
    r"[吗嘛么？?]|行不行|可不可以|能不能|能否|是否|合不合规|违不违规|可以不|行否",
    r"^\s*(can|may|could|is|am|are|should)\b|\b(can|may|could)\s+(I|we)\b|\?",
)  # fmt: skip
_GATE_ACT = _rx(
    r"打电话|打给|电话|致电|呼叫|外呼|发短信|短信|发微信|微信|上门|拜访|寄|信函|催收函|推送|联系",
    r"\b(call|ring|phone|text|sms|wechat|visit|contact|letter|message)\b",
)  # fmt: skip
_TRIAGE = _rx(
    r"分析|分案|评估|风险等级|风险级别|风险怎么样|风险高不高|风险大不大|属于哪(一)?(档|类|级)|分到哪|哪个组|走哪个队列|哪个队列|什么队列|什么渠道|哪个渠道|几点打|几点联系|分层|画像",
    r"\btriage\b|\btier\b|which\s+queue|\bqueue\b|\bassess|\banaly[sz]e|risk\s+(level|tier|profile|score)|how\s+risky|classify|segment",
)  # fmt: skip
_NEXT = _rx(
    r"下一步|接下来|下步|怎么跟进|咋跟进|如何跟进|该干嘛|该做什么|怎么做|怎么办|怎么处理|咋处理|咋弄|怎么弄|有什么建议|给个建议|建议怎么",
    r"next\s+(best\s+)?(action|step|move)|what\s+should\s+(I|we)\s+do|what\s+now|recommend(ation)?|how\s+should\s+(I|we)\s+(handle|proceed|follow)",
)  # fmt: skip
_SECTIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "repayments",
        _rx(
            r"还款记录|还的款|还过|还款历史|上次.{0,6}还|最近.{0,4}还款|还款计录|最近一笔|流水",
            r"repayment|payment\s+history|\bpaid\b|last\s+payment",
        ),
    ),
    (
        "contacts",
        _rx(r"联系人|联系记录|通话记录|催收记录|联系情况|触达", r"\bcontacts?\b|call\s+history|contact\s+history"),
    ),
    ("promises", _PROMISE_READ),
    ("guarantors", _rx(r"担保人|担保任|保证人|担保", r"guarant|guarent")),
    ("collateral", _rx(r"抵押物|低押物|抵压物|抵押|房产|房子", r"collateral|the\s+property|\bhouse\b")),
    ("flags", _rx(r"标记|标签|特殊|冻结", r"\bflags?\b")),
    ("audit", _rx(r"操作日志|日志|谁动过|操作记录|审计", r"\baudit\b|activity\s+log|who\s+(touched|changed)")),
    (
        "loan",
        _rx(
            r"借了多少|贷款信息|贷款详情|本金|放款|借款金额|产品|贷款",
            r"loan\s+(details?|info(rmation)?|terms)|principal|disburs|\bproduct\b|how\s+much\s+did\s+(he|she|they)\s+borrow",
        ),
    ),
    (
        "overview",
        _rx(
            r"基本情况|概况|情况|详情|概要|总览|案件信息|看下|看看|查下|查一下|查查",
            r"overview|summary|details|\bshow\b|\bcheck\b",
        ),
    ),
]
_FOLLOWUP = _rx(r"^\s*(那|那么|还有|and|what\s+about|how\s+about|then)", r"呢\s*[？?]?\s*$")
_PRONOUN = _rx(
    r"他|她|它|这个(客户|案子|案件|户)|该(客户|案件)|借款人|\b(him|her|his|its|this\s+(case|one|debtor)|the\s+debtor|them)\b"
)

# ---- slot words ---------------------------------------------------------------------------------

_TIERS = [
    ("legal", _rx(r"法诉|法务|诉讼队列|legal")),
    ("human_review", _rx(r"人工复核|人工审核|human\s+review")),
    ("agent_call", _rx(r"坐席外呼|外呼|电催|agent\s+call|call\s+cent(er|re)")),
    ("senior_negotiation", _rx(r"高级谈判|资深协商|资深|senior")),
    ("reminder", _rx(r"自动提醒|提醒队列|reminder\s+tier|automated\s+reminder")),
    ("digital", _rx(r"数字化|digital")),
]
_PRODUCTS = [
    ("credit_card", _rx(r"信用卡|credit\s*cards?")),
    ("consumer_loan", _rx(r"消费贷|消费金融|consumer\s+loans?")),
    ("property_backed", _rx(r"房抵|房产抵押|抵押贷|property[-\s]backed|mortgage")),
]
_CITY_EN = {"beijing": "北京", "shanghai": "上海", "guangzhou": "广州", "shenzhen": "深圳", "chengdu": "成都",
            "hangzhou": "杭州", "chongqing": "重庆", "wuhan": "武汉", "tianjin": "天津", "nanjing": "南京",
            "xian": "西安", "xi'an": "西安", "suzhou": "苏州", "changsha": "长沙", "zhengzhou": "郑州"}  # fmt: skip
_CHANNELS = [
    ("visit", _rx(r"上门|拜访|外访|\bvisit")),
    ("letter", _rx(r"信函|催收函|寄|律师函|\bletter|\bmail\b")),
    ("wechat", _rx(r"微信|wechat")),
    ("app", _rx(r"\bapp\b|推送|push")),
    ("sms", _rx(r"短信|sms|\btext\b|message")),
    ("call", _rx(r"电话|打给|致电|呼叫|外呼|\bcall|\bphone|\bring\b|话术|script")),
]
_THIRD_PARTY = _rx(
    r"老婆|老公|妻子|丈夫|爱人|家人|家属|父母|爸|妈|儿子|女儿|亲属|亲戚|同事|单位|公司|领导|朋友|邻居|室友|通讯录",
    r"\b(wife|husband|spouse|family|parents?|mother|father|son|daughter|relatives?|colleagues?|co-?workers?|employer|"
    r"boss|friends?|neighbou?rs?|roommate)\b",
)  # fmt: skip
_CONTACT_PERSON = _rx(r"紧急联系人|联系人", r"emergency\s+contact")


def _bare(text: str) -> bool:
    """A follow-up that only names another case ("那C000124呢？", "and C000124?", "C000124 也看下")."""
    rest = slots.CASE_ID.sub(" ", text)
    rest = re.sub(r"那么|那|呢|的|也|同样|一样|看下|看看|查下|还有|这个|[，,。.？?！!：:、\s]|"
                  r"\b(and|what|about|how|then|the|same|for|too|also)\b",
                  "", rest, flags=re.I)  # fmt: skip
    return not rest


def normalise(text: str) -> str:
    """NFKC, with full-width forms folded and whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _cities(text: str) -> str | None:
    from core.synth.reference import CITIES

    for city in CITIES:
        short = city.name.removesuffix("市")
        if short and short in text:
            return short
    lower = text.lower()
    for en, zh in _CITY_EN.items():
        if re.search(rf"\b{re.escape(en)}\b", lower):
            return zh
    return None


def _first(pairs: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    return next((name for name, rx in pairs if rx.search(text)), None)


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def _list_args(text: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if re.search(r"风险|risk", text, re.I):
        args["sort_by"] = "risk"
    elif re.search(
        r"逾期天数|逾期最长|逾期最久|逾期时间|天数|dpd|days\s+past\s+due|most\s+overdue|longest", text, re.I
    ):
        args["sort_by"] = "dpd"
    elif re.search(r"余额|欠款|金额|欠得|balance|amount|owed|biggest|largest", text, re.I):
        args["sort_by"] = "balance"
    if re.search(r"最低|最少|最小|最短|升序|lowest|least|smallest|fewest|ascending", text, re.I):
        args["descending"] = False
    if (n := slots.top_n(text)) is not None:
        args["limit"] = n
    if bucket := re.search(r"(?<![A-Za-z])M\s*([0-6]\+?)", text, re.I):
        args["bucket"] = f"M{bucket.group(1)}"
    if tier := _first(_TIERS, text):
        args["tier"] = tier
    if product := _first(_PRODUCTS, text):
        args["product"] = product
    if city := _cities(text):
        args["city"] = city
    _dpd_range(text, args)
    _balance_range(text, args)
    return args


_N = r"(\d{1,4}|[一二三四五六七八九十两百]{1,4})"


def _int(token: str) -> int | None:
    from tools.cn_numbers import cn_to_int

    try:
        return int(token) if token.isdigit() else cn_to_int(token)
    except ValueError:
        return None


def _dpd_range(text: str, args: dict[str, Any]) -> None:
    if m := re.search(rf"(?:逾期|超过|大于|多于)\s*{_N}\s*天\s*(?:以上|之上|及以上)?|{_N}\s*天以上", text):
        if (v := _int(m.group(1) or m.group(2))) is not None and (
            "以上" in m.group(0) or "超过" in m.group(0) or "大于" in m.group(0) or "多于" in m.group(0)
        ):
            args["min_dpd"] = v
    if m := re.search(rf"{_N}\s*天\s*(?:以内|以下|之内|内)", text):
        if (v := _int(m.group(1))) is not None:
            args["max_dpd"] = v
            args.pop("min_dpd", None) if args.get("min_dpd") == v else None
    if m := re.search(
        r"(?:over|more\s+than|above|at\s+least)\s+(\d{1,4})\s+(?:days|dpd)|(\d{1,4})\+\s*(?:days|dpd)", text, re.I
    ):
        args["min_dpd"] = int(m.group(1) or m.group(2))
    if m := re.search(r"(?:under|less\s+than|below|within|at\s+most)\s+(\d{1,4})\s+(?:days|dpd)", text, re.I):
        args["max_dpd"] = int(m.group(1))


def _balance_range(text: str, args: dict[str, Any]) -> None:
    money = r"(\d+(?:\.\d+)?\s*[万千kKwW]?|[一二三四五六七八九十两百千万]+)"
    if m := re.search(
        rf"(?:余额|欠款|金额)?\s*(?:在)?\s*{money}\s*(?:元)?\s*(?:到|至|-|~)\s*{money}\s*(?:元)?\s*(?:之间)?", text
    ):
        lo, hi = slots.amounts(m.group(1) + "元"), slots.amounts(m.group(2) + "元")
        if lo and hi and ("余额" in text or "欠款" in text or "万" in m.group(0)):
            args["min_balance"], args["max_balance"] = _num(lo[0]), _num(hi[0])
            return
    if m := re.search(
        rf"(?:余额|欠款|金额)\s*(?:在)?\s*(?:大于|超过|高于|多于)?\s*{money}\s*(?:元)?\s*(以上|之上|以下|之下|以内)?",
        text,
    ):
        value = slots.amounts(m.group(1) + "元")
        if value and (m.group(2) or re.search(r"大于|超过|高于|多于", m.group(0))):
            key = "max_balance" if (m.group(2) or "") in ("以下", "之下", "以内") else "min_balance"
            args[key] = _num(value[0])
    if m := re.search(rf"{money}\s*(?:元)?\s*(以上|以下)\s*的?\s*(?:余额|欠款)", text):
        value = slots.amounts(m.group(1) + "元")
        if value:
            args["max_balance" if m.group(2) == "以下" else "min_balance"] = _num(value[0])
    if m := re.search(r"(?:balance|owed?|owing)\s+(?:over|above|more\s+than|>)\s*([\d,.]+\s*[kKwW万]?)", text, re.I):
        value = slots.amounts(m.group(1) + "元")
        if value:
            args["min_balance"] = _num(value[0])
    if m := re.search(r"(?:balance|owed?|owing)\s+(?:under|below|less\s+than|<)\s*([\d,.]+\s*[kKwW万]?)", text, re.I):
        value = slots.amounts(m.group(1) + "元")
        if value:
            args["max_balance"] = _num(value[0])


def _channel(text: str, default: str) -> str:
    return _first(_CHANNELS, text) or default


_QUOTED = re.compile(r"[「“\"『](.{6,}?)[」”\"』]")


def _review_text(text: str) -> str | None:
    """The pasted text after the review instruction, or None when nothing was pasted."""
    match = _REVIEW.search(text)
    if match is None:
        return None
    sep = _SEPARATOR.search(text, match.start())
    if sep is not None and sep.start() - match.end() <= 24:
        pasted = text[sep.end() :].strip()
    elif quoted := _QUOTED.search(text):
        pasted = quoted.group(1).strip()
    elif re.match(r"(审核|审查|检查|核查|看下|看看|看一下|帮我看|review|check)", match.group(0), re.I):
        rest = text[match.end() :]
        rest = re.sub(
            r"^\s*(一下)?\s*(这条|这段|这个|以下|下面)?\s*(话术|短信|消息|文字|内容|微信|sms|message|text)?\s*",
            "",
            rest,
            flags=re.I,
        )
        pasted = rest.strip()
    else:
        return None
    return pasted if len(pasted) >= 6 else None


def _review_channel(text: str) -> str | None:
    if re.search(r"通话|电话|转写|录音|call|transcript", text, re.I):
        return "call"
    if re.search(r"微信|wechat", text, re.I):
        return "wechat"
    if re.search(r"\bapp\b|推送", text, re.I):
        return "app"
    if re.search(r"短信|sms|\btext\b", text, re.I):
        return "sms"
    return None


_SlotFiller = Callable[["Planner", str, list[str], "str | None", Memory], "dict[str, Any] | None"]


class Planner:
    """Reads one message at a time against the conversation's memory."""

    def __init__(self, today: dt.date) -> None:
        self.today = today

    # -- the entry point --------------------------------------------------------------------------
    def plan(self, message: str, memory: Memory | None = None) -> Plan:
        """The plan for ``message`` given what the conversation remembers."""
        memory = memory or Memory()
        text = normalise(message)
        if not text or not re.search(r"[\w\u4e00-\u9fff]", text):
            return Plan(kind="clarify", reason="empty")
        raw = re.sub(r"[ \t]+", " ", message).strip()
        pasted = _review_text(raw)
        instruction = text if pasted is None else normalise(raw.replace(pasted, " "))
        if pasted is None and self._refused(text):
            return Plan(kind="refuse", reason="policy")
        if pasted is not None and self._refused(instruction):
            return Plan(kind="refuse", reason="policy")
        if pasted is not None:
            args: dict[str, Any] = {"text": pasted}
            if channel := _review_channel(instruction):
                args["channel"] = channel
            ids = slots.case_ids(instruction)
            if ids:
                args["case_id"] = ids[0]
            return Plan(kind="tools", calls=[PlannedCall(name="review_text", args=args)])
        if _HELP.search(text) and not slots.case_ids(text):
            return Plan(kind="help")
        return self._tools(text, memory)

    @staticmethod
    def _refused(text: str) -> bool:
        return any(rx.search(text) for rx in (_INJECTION, _PII_DUMP, _FORGERY, _THREAT_REQUEST))

    # -- tool intents ------------------------------------------------------------------------------
    def _tools(self, text: str, memory: Memory) -> Plan:
        ids = slots.case_ids(text)
        names = self._intents(text, ids, memory)
        followup = bool(_FOLLOWUP.search(text)) or len(text) <= 14
        if not names:
            if ids and _bare(text) and memory.last_calls and len(ids) == 1:
                return self._repeat(memory, ids[0], text)
            if not ids and followup and memory.last_calls and memory.last_calls[0].name == "list_cases":
                args = {**memory.last_calls[0].args, **_list_args(text)}
                return Plan(kind="tools", calls=[PlannedCall(name="list_cases", args=args)])
            if ids:
                names = ["compare_cases"] if len(ids) > 1 else ["case_facts"]
            else:
                return Plan(kind="clarify", reason="no_intent")
        case_id = ids[0] if ids else None
        if (
            case_id is None
            and (memory.case_id is not None)
            and (any(n in CASE_BOUND for n in names) or _PRONOUN.search(text) or followup)
        ):
            case_id = memory.case_id
        calls: list[PlannedCall] = []
        for name in names:
            call = self._call(name, text, ids, case_id, memory)
            if call is None:
                return Plan(kind="clarify", reason=f"{name}: no case")
            calls.append(call)
        if ids and followup and memory.last_calls and calls and calls[0].name == "case_facts":
            last = memory.last_calls[0]
            if last.name == "case_facts" and re.match(r"^\s*(那|and|what\s+about)", text, re.I):
                merged = list(dict.fromkeys([*last.args.get("sections", []), *calls[0].args.get("sections", [])]))
                calls[0].args["sections"] = [s for s in merged if s != "overview"] or ["overview"]
        return Plan(kind="tools", calls=calls)

    def _repeat(self, memory: Memory, case_id: str, text: str) -> Plan:
        calls = []
        for call in memory.last_calls:
            if call.name == "value_package":
                calls.append(PlannedCall(name="value_case", args={"case_id": case_id}))
                continue
            if call.name in ("compare_cases", "list_cases"):
                calls.append(PlannedCall(name="case_facts", args={"case_id": case_id, "sections": ["overview"]}))
                continue
            args = dict(call.args)
            if "case_id" in args or call.name in CASE_BOUND:
                args["case_id"] = case_id
            calls.append(PlannedCall(name=call.name, args=args))
        return Plan(kind="tools", calls=calls)

    def _intents(self, text: str, ids: list[str], memory: Memory) -> list[str]:
        text = slots.CASE_ID.sub("#", text)
        has_case = bool(ids) or memory.case_id is not None
        found: list[str] = []
        sole = self._sole_intent(text, ids, memory, found)
        if sole is not None:
            return sole
        sections = [name for name, rx in _SECTIONS[:-1] if rx.search(text)]
        gate = self._contact_and_document_intents(text, ids, has_case, found)
        self._commitment_intents(text, memory, gate, found)
        self._assessment_intents(text, sections, found)
        self._reading_intents(text, ids, memory, sections, found)
        order = ["search_knowledge", "case_facts", "contract_terms", "triage", "value_case", "offer", "next_action",
                 "contact_gate", "draft_reminder", "record_promise", "draft_legal"]  # fmt: skip
        return sorted(found, key=order.index)

    def _sole_intent(self, text: str, ids: list[str], memory: Memory, found: list[str]) -> list[str] | None:
        """The intents that answer the request on their own, or None to read the request tool by tool.

        A law question about a case that also asks for a document adds ``search_knowledge`` to ``found`` and goes on.
        """
        law = bool(_SEARCH_LAW.search(text)) and not (ids and _CONTRACT.search(text))
        script_q = bool(_SEARCH_SCRIPT.search(text)) and not _REMINDER.search(text)
        if (law or script_q) and not ids and not _LEGAL_DOC.search(text) or (script_q and not ids):
            return ["search_knowledge"]
        if (
            law
            and ids
            and re.search(
                r"《[^》]+》|法规|规定|监管|司法解释|需要准备|什么材料|要准备|怎么起诉|起诉需要|打官司需要|诉讼时效",
                text,
            )
        ):
            _add(found, "search_knowledge")
            if not re.search(r"起诉状|诉状|申请书|(起草|写|拟|出).{0,6}(文书|诉状|申请)", text):
                return ["search_knowledge"]
        if not ids and not (memory.case_id and _PRONOUN.search(text)) and self._is_list(text):
            return ["list_cases"]
        if _HANDOFF.search(text):
            return ["hand_off"]
        if _PACKAGE.search(text) and (len(ids) >= 2 or (not ids and len(memory.case_ids) >= 2)):
            return ["value_package"]
        if _COMPARE.search(text) and (len(ids) >= 2 or (len(ids) == 1 and memory.case_id and memory.case_id not in ids)
                                      or (not ids and len(memory.case_ids) >= 2)):  # fmt: skip
            return ["compare_cases"]
        return None

    @staticmethod
    def _contact_and_document_intents(text: str, ids: list[str], has_case: bool, found: list[str]) -> bool:
        """Adds ``contact_gate``, ``contract_terms`` and ``draft_legal``; returns whether the request asks the gate."""
        gate = bool(
            _GATE_Q.search(text) and _GATE_ACT.search(text) and _QUESTION.search(text)
        ) and not _DRAFTING.search(text)
        if gate and not re.search(r"几点.{0,3}(打|联系).{0,4}(合适|比较好)|什么渠道|哪个渠道", text):
            _add(found, "contact_gate")
        contract = _CONTRACT.search(text)
        if contract and not _LEGAL_DOC.search(text[: contract.start()]):
            _add(found, "contract_terms")
        if _LEGAL_DOC.search(text) and (ids or has_case) and not re.search(r"转给法务|转法务|to\s+legal", text, re.I):
            _add(found, "draft_legal")
        return gate

    def _commitment_intents(self, text: str, memory: Memory, gate: bool, found: list[str]) -> None:
        """Adds ``record_promise``, ``draft_reminder`` and ``offer``."""
        amounts = slots.amounts(text)
        date = slots.date_in(text, self.today)
        promise = (
            (bool(_PROMISE_CUE.search(text)) or bool(re.search(r"(还|pay)", text, re.I)))
            and bool(amounts)
            and date is not None
        )
        if promise and not re.search(r"结清|一次性|减免|分期|折|settle|lump|instal", text, re.I):
            _add(found, "record_promise")
        elif (
            re.search(
                r"^\s*(帮我)?(登记|记录|记)(一下|下)?\s*[。.!！]?\s*$|^\s*(please\s+)?(log|record)\s+(it|that)",
                text,
                re.I,
            )
            and memory.last_text
        ):
            _add(found, "record_promise")
        if _REMINDER.search(text) and not _LEGAL_DOC.search(text) and not gate:
            _add(found, "draft_reminder")
        if _OFFER.search(text) and not _PROMISE_READ.search(text) and "record_promise" not in found:
            _add(found, "offer")

    @staticmethod
    def _assessment_intents(text: str, sections: list[str], found: list[str]) -> None:
        """Adds ``value_case``, ``triage`` and ``next_action``."""
        if (
            _VALUE.search(text)
            and "offer" not in found
            or (_VALUE.search(text) and re.search(r"值多少|worth", text, re.I))
        ):
            if not (sections and not re.search(r"值|估|回收|worth|value|recover", text, re.I)):
                _add(found, "value_case")
        if _TRIAGE.search(text) and not re.search(r"评估.{0,6}(房|抵押|值)", text):
            _add(found, "triage")
        if _NEXT.search(text):
            _add(found, "next_action")

    @staticmethod
    def _reading_intents(text: str, ids: list[str], memory: Memory, sections: list[str], found: list[str]) -> None:
        """Adds ``case_facts`` when the request reads sections of a case, or only names one to look at."""
        reading = bool(re.search(r"查|看|调出|拉|show|pull|check|list", text, re.I))
        if sections and "contact_gate" in found and not reading:
            sections = []
        if sections and "contract_terms" not in found and "value_case" not in found:
            _add(found, "case_facts")
        elif (
            sections
            and "value_case" in found
            and any(s in sections for s in ("repayments", "promises", "guarantors", "contacts", "audit", "flags"))
        ):
            _add(found, "case_facts")
        overview = re.search(
            r"基本情况|概况|详情|概要|总览|案件信息|整体情况|什么情况|情况如何|overview|summary|details|status",
            text,
            re.I,
        )
        reading_cue = overview or re.search(r"查|看|show|check|pull|open", text, re.I)
        if not found and reading_cue and (ids or (memory.case_id and _PRONOUN.search(text))):
            _add(found, "case_facts")

    @staticmethod
    def _is_list(text: str) -> bool:
        if not _LIST.search(text) and not slots.top_n(text):
            args = _list_args(text)
            return (
                len(set(args) - {"sort_by", "descending", "limit"}) >= 1
                and bool(re.search(r"案件|案子|单子|客户|户|贷|卡|的$|cases|accounts|loans|debtors", text, re.I))
                and not _GATE_ACT.search(text)
            )
        return True

    # -- slots per tool ----------------------------------------------------------------------------
    def _call(self, name: str, text: str, ids: list[str], case_id: str | None, memory: Memory) -> PlannedCall | None:
        if name in CASE_BOUND and case_id is None:
            return None
        fill = self._SLOTS.get(name)
        args = {} if fill is None else fill(self, text, ids, case_id, memory)
        if args is None:
            return None
        return PlannedCall(name=name, args=args)

    def _case_facts_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        sections = [n for n, rx in _SECTIONS[:-1] if rx.search(text)]
        if "promises" not in sections and re.search(r"promises?\b|承诺", text, re.I):
            sections.append("promises")
        return {"case_id": case_id, "sections": sections or ["overview"]}

    def _case_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        return {"case_id": case_id}

    def _list_cases_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        return {"sort_by": "risk", **_list_args(text)}

    def _compare_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        wanted = list(ids)
        if len(wanted) == 1 and memory.case_id:
            wanted = [memory.case_id, *wanted]
        if not wanted:
            wanted = list(memory.case_ids)
        return {"case_ids": wanted}

    def _package_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        return {"case_ids": ids if len(ids) >= 2 else list(memory.case_ids)}

    def _gate_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        args: dict[str, Any] = {"channel": _channel(text, "call"), "callee": self._callee(text)}
        if case_id is not None and (ids or _PRONOUN.search(text) or _THIRD_PARTY.search(text)):
            args["case_id"] = case_id
        if (hour := slots.local_hour(text)) is not None:
            args["local_hour"] = hour
        return args

    def _offer_call_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        return self._offer_args(text, case_id)

    def _reminder_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        channel = _channel(text, "sms")
        return {"case_id": case_id, "channel": channel if channel in ("sms", "call", "wechat", "app") else "sms"}

    def _search_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        query = re.sub(r"[？?。！!]+", " ", slots.strip_case_ids(text)).strip()
        collection = (
            "scripts" if _SEARCH_SCRIPT.search(text) or re.search(r"话术|script", text, re.I) else "regulations"
        )
        return {"query": query[:500] or text[:500], "collection": collection}

    def _legal_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        kind = "complaint"
        if re.search(r"保全|preservation", text, re.I):
            kind = "preservation"
        elif re.search(r"支付令|督促程序|payment\s+order", text, re.I):
            kind = "payment_order"
        return {"case_id": case_id, "kind": kind}

    def _promise_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any] | None:
        source = text
        amounts, date = slots.amounts(text), slots.date_in(text, self.today)
        if (not amounts or date is None) and memory.last_text:
            source = memory.last_text
            amounts = amounts or slots.amounts(source)
            date = date or slots.date_in(source, self.today)
        if not amounts or date is None:
            return None
        return {"case_id": case_id, "amount": _num(amounts[0]), "due_on": date.isoformat()}

    def _handoff_args(self, text: str, ids: list[str], case_id: str | None, memory: Memory) -> dict[str, Any]:
        reason = re.sub(r"\s+", " ", slots.strip_case_ids(text)).strip(" ，,。") or "转人工"
        return {"case_id": case_id, "reason": reason[:500]}

    _SLOTS: ClassVar[dict[str, _SlotFiller]] = {
        "case_facts": _case_facts_args,
        "triage": _case_args,
        "next_action": _case_args,
        "value_case": _case_args,
        "contract_terms": _case_args,
        "list_cases": _list_cases_args,
        "compare_cases": _compare_args,
        "value_package": _package_args,
        "contact_gate": _gate_args,
        "offer": _offer_call_args,
        "draft_reminder": _reminder_args,
        "search_knowledge": _search_args,
        "draft_legal": _legal_args,
        "record_promise": _promise_args,
        "hand_off": _handoff_args,
    }

    @staticmethod
    def _callee(text: str) -> str:
        if _THIRD_PARTY.search(text):
            return "third_party"
        if _CONTACT_PERSON.search(text):
            return "contact"
        if re.search(r"担保人|guarantor", text, re.I):
            return "guarantor"
        return "debtor"

    def _offer_args(self, text: str, case_id: str | None) -> dict[str, Any]:
        args: dict[str, Any] = {"case_id": case_id}
        share = slots.share_paid(text)
        months = slots.months(text)
        amounts = slots.amounts(text)
        if share is not None:
            args["percent"] = _num(share)
        elif amounts:
            args["amount"] = _num(amounts[0])
        if months is not None:
            args["months"] = months
        if _INSTALMENT.search(text) or months is not None:
            args["kind"] = "instalment"
        elif share is not None or amounts or re.search(r"结清|一次性|了结|settle|lump|pay\s+(it\s+)?off", text, re.I):
            args["kind"] = (
                "settlement" if (share is not None or amounts) else ("max" if _OFFER_MAX.search(text) else "settlement")
            )
        else:
            args["kind"] = "max"
        if _OFFER_MAX.search(text) and share is None and not amounts and months is None:
            args["kind"] = "max"
        return args


def memory_after(memory: Memory, message: str, plan: Plan) -> Memory:
    """The memory once ``message`` was planned as ``plan`` (the current case and the last calls move on)."""
    if plan.kind != "tools" or not plan.calls:
        return memory
    case_id = memory.case_id
    case_ids = list(memory.case_ids)
    for call in plan.calls:
        if isinstance(call.args.get("case_id"), str):
            case_id = call.args["case_id"]
        if isinstance(call.args.get("case_ids"), list) and call.args["case_ids"]:
            case_ids = list(call.args["case_ids"])
            case_id = case_ids[-1]
    return Memory(case_id=case_id, case_ids=case_ids, last_calls=plan.calls, last_text=normalise(message))
