"""Chinese (and a few English) lexicons and patterns of the rule layer, one named pattern per rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from tools.compliance.models import Category, Severity

Context = Literal["any", "third_party"]

# Characters that end a clause: negations and exceptions are looked for inside the clause of a match only.
CLAUSE_END = "，。！？；,.!?;\n"
NEGATION = re.compile(
    r"不会|不得|不能|不要|没有|绝不|决不|不用|无需|不需要|从不|并不|不是|并非|不收|不存在|禁止|不可能|不建议|不涉及|未曾"
)
NEGATION_WINDOW = 6
PUNCT_GAP = r"[^，。！？；,.!?;\n]"


@dataclass(frozen=True)
class Pattern:
    """One explainable rule: a regular expression, what it means, and the pack entry it cites."""

    rule_id: str
    category: Category
    severity: Severity
    regex: str
    meaning: str
    negatable: bool = True
    """A negation right before the match (我们不会收取催收费) cancels it."""
    unless: str | None = None
    """A regular expression that, found in the same clause, makes the match lawful (按合同约定 ...)."""
    context: Context = "any"
    """third_party: only when the collector is talking to a third party."""
    rule: str | None = None
    """Pack entry to cite instead of the category's default."""
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    compiled_unless: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.regex))
        object.__setattr__(self, "compiled_unless", re.compile(self.unless) if self.unless else None)


G = PUNCT_GAP
T, INS, IM, FC = Category.THREAT, Category.INSULT, Category.IMPERSONATION, Category.FALSE_CONSEQUENCE
TP, FEE, BOR, PL = (
    Category.THIRD_PARTY_DISCLOSURE,
    Category.EXTRA_FEE,
    Category.INDUCE_BORROWING,
    Category.PRIVACY_LEAK,
)
HIGH, MED = Severity.HIGH, Severity.MEDIUM
KIN = (
    r"(?:家人|老婆|老公|妻子|丈夫|爱人|孩子|小孩|儿子|女儿|父母|爸妈|爸爸|妈妈|父亲|母亲|全家|家里人|"
    r"亲戚|朋友|同事|领导|老板|邻居|兄弟|姐妹|哥哥|弟弟|姐姐|妹妹)"
)
CONTRACT = r"合同(?:约定|规定|第|条款|里|中)|按(?:照)?(?:借款)?合同|依(?:照|据)?合同|协议约定"

PATTERNS: tuple[Pattern, ...] = (
    # threat
    Pattern(
        "threat.bodily_harm",
        T,
        HIGH,
        r"弄死|打死|砍死|捅死|整死|搞死|打残|废了你|打断(?:你的?)?(?:腿|手)|卸(?:你)?(?:一条)?(?:胳膊|腿)|"
        r"让你(?:见血|残废|躺着出来|住院)|要你的?命|要你好看|收拾你|(?i:\b(?:kill|hurt|beat) you\b)",
        "threatens violence against the debtor",
        negatable=False,
    ),
    Pattern(
        "threat.family",
        T,
        HIGH,
        rf"(?:你|您)的?{KIN}{G}{{0,8}}(?:小心点?|出(?:点)?事|不得安宁|好看|遭殃|安不安全|的安全)|"
        rf"让你(?:全家|家里){G}{{0,4}}(?:不得安宁|好看|遭殃|出事)|"
        rf"(?:知道|清楚)(?:你|您)(?:的)?(?:孩子|儿子|女儿|小孩)(?:在)?(?:哪(?:个|所)?(?:学校|幼儿园)|在哪(?:上学|读书))",
        "threatens the debtor's family or signals knowledge of where the children are",
        negatable=False,
    ),
    Pattern(
        "threat.veiled_warning",
        T,
        HIGH,
        r"(?:你|您)(?:给我)?等着(?:瞧)?|走着瞧|出门(?:小心|注意点|当心)|(?:晚上|夜里)走路(?:小心|当心)|"
        r"别怪我们?不客气|让你好看|有你好(?:看|受)的|吃不了兜着走|后悔都来不及|不会让你好过|"
        r"(?i:\b(?:you(?:'ll| will) regret|watch your back)\b)",
        "veiled threat",
        negatable=False,
    ),
    Pattern(
        "threat.visit_and_harass",
        T,
        HIGH,
        rf"(?:找|叫|带|派)(?:几个|一帮|一群|一些|些)?(?:兄弟|人|弟兄|小弟){G}{{0,6}}(?:上门|去你家|找你|堵你|去你单位|去你公司)|"
        rf"(?:去|到|上)你(?:的)?(?:单位|公司|家|老家|学校|小区|家门口){G}{{0,6}}(?:闹|堵|拉横幅|喷漆|泼|守着|蹲)|"
        r"天天(?:上门|去你家|去你单位)",
        "threatens a harassing visit to the home or workplace",
    ),
    Pattern(
        "threat.public_exposure",
        T,
        HIGH,
        r"曝光(?:你|您)|(?:挂|发|贴)(?:到|在)(?:网上|朋友圈|微博|抖音|群里|小区|村里|单位|门口|公告栏)|"
        r"(?:群发|发)(?:给)?(?:你|您)的?(?:通讯录|所有联系人|亲友|同事|朋友)|爆(?:你的?)?通讯录|"
        r"让(?:你|您)(?:的)?(?:亲戚朋友|所有人|全村|全单位|同事)都知道",
        "threatens to expose the debtor publicly or to the contact list",
        rule="cn-cba-2026/no-public-notice",
    ),
    # insult
    Pattern(
        "insult.slur",
        INS,
        MED,
        r"老赖|赖皮|骗子|无赖|人渣|败类|畜生|畜牲|王八蛋|混蛋|废物|垃圾|贱人|贱货|臭不要脸|不要脸|没脸没皮|狗东西|"
        r"傻[逼屄Bb×X]|白痴|蠢货|脑残|神经病|穷鬼|穷光蛋|死皮赖脸|丢人现眼|猪狗不如|窝囊废|他妈的|你妈的|TMD|"
        r"滚蛋|去死|(?i:\b(?:deadbeat|loser|idiot|scum|bitch|fucking|asshole)\b)",
        "abusive word",
    ),
    Pattern(
        "insult.degrading",
        INS,
        MED,
        r"你还是(?:不是)?(?:个)?人吗|你还有(?:没有)?脸|你有没有脸|要不要脸|你这种人|像你这样的人|你算什么东西|"
        r"(?:你|您)(?:这么|这)(?:大的?人|大年纪)了?(?:还)?(?:欠钱不还|赖账)|活该(?:你)?(?:穷|欠)",
        "degrading remark about the debtor",
    ),
    # impersonation
    Pattern(
        "impersonation.authority",
        IM,
        HIGH,
        r"(?:我|我们|本人|这里|这边)(?:就)?(?:是|这边是)[^，。！？；,.!?;\n向到去给跟由被在对找]{0,8}?"
        r"(?:人民法院|法院|公安局|公安机关|公安|派出所|检察院|经侦|刑警|执行局|司法局|仲裁委)(?!起诉|提起)|"
        r"(?:我是|我们是)[^，。！？；,.!?;\n]{0,6}(?:警官|法官|民警|警察|检察官|执行法官)|"
        r"(?:法院|公安|警方|派出所|检察院)(?:委托|授权|让|派)我们?(?:来|过来)?(?:通知|找|抓|传唤)(?:你|您)|"
        r"(?i:\b(?:this is|i am|i'm) (?:officer|detective|(?:calling )?from the (?:police|court|sheriff))\b)",
        "claims to be or act for a court, the police or another authority",
        negatable=False,
    ),
    # false consequences
    Pattern(
        "false_consequence.criminal",
        FC,
        HIGH,
        r"坐牢|判刑|蹲监狱|进监狱|吃牢饭|刑事拘留|拘留(?:你|您)|抓(?:你|您)|逮捕|通缉|追究(?:你的?)?刑事责任|"
        r"构成诈骗|诈骗罪|犯罪记录|立案侦查|上门抓人|警察(?:会)?(?:上门|来抓|找你|找上门)|"
        r"(?i:\b(?:go to jail|go to prison|be arrested|warrant for your arrest)\b)",
        "says non-payment leads to arrest or prison",
    ),
    Pattern(
        "false_consequence.family_liability",
        FC,
        HIGH,
        rf"(?:你|您)的?{KIN}(?:也)?(?:要|得|必须|就得|都要|都得|会被要求)(?:替你|帮你|代你)?(?:还|偿还|承担|负责还)|"
        r"父债子还|子女(?:要|得)(?:替你)?还|(?:起诉|告)(?:你|您)的?(?:家人|父母|孩子|亲戚|朋友)",
        "says relatives or friends must pay the debt",
    ),
    Pattern(
        "false_consequence.children_future",
        FC,
        HIGH,
        rf"(?:影响|连累|耽误)(?:到)?(?:你|您)?的?(?:孩子|子女|儿子|女儿|下一代){G}{{0,6}}(?:上学|考公|公务员|参军|当兵|入党|政审|读书|就业|前途)|"
        rf"(?:孩子|子女|儿子|女儿){G}{{0,4}}(?:上不了(?:好)?学|考不了公|当不了兵|政审(?:不过|过不了)|读不了书)",
        "says the debt will harm the children's schooling or careers",
    ),
    Pattern(
        "false_consequence.blacklist_forever",
        FC,
        HIGH,
        r"(?:一辈子|终身|永远|这辈子)(?:都)?(?:贷不了款|不能贷款|借不到钱|买不了(?:房|车|票)|坐不了(?:高铁|飞机)|上黑名单|翻不了身|洗不白)|"
        r"(?:全国|全网|全省)(?:通报|通缉|曝光)",
        "exaggerates credit consequences (lifelong bans, national notices)",
    ),
    Pattern(
        "false_consequence.imminent_seizure",
        FC,
        HIGH,
        r"(?:明天|马上|今天|立刻|随时|下午|今晚|这两天)(?:就)?(?:有人|法院|警察|我们)?(?:会)?(?:来|去|上门)?"
        r"(?:查封|冻结|拍卖|强制执行|扣押|收走|拉走)(?:你|您)?的?(?:房子|房产|车|车子|工资|银行卡|所有财产|账户|家具|东西)?|"
        r"冻结(?:你|您)的?(?:所有|全部)(?:银行卡|账户|资产|财产)|(?:传票|拘留证|逮捕令)(?:已经|马上|明天)(?:下来|发出|到|寄)",
        "says seizure or court papers are imminent without any proceedings",
    ),
    # third-party disclosure (only when the other party is a third party, except the first pattern)
    Pattern(
        "third_party.relative_owes",
        TP,
        HIGH,
        rf"(?:你|您)的?{KIN}{G}{{0,8}}(?:欠|逾期|拖欠|借了)[^。！？]{{0,12}}(?:钱|款|元|块|万|不还|没还|未还)",
        "tells a third party that someone they know owes money",
    ),
    Pattern(
        "third_party.debt_terms",
        TP,
        HIGH,
        r"欠款|欠钱|欠了|欠我们|欠银行|逾期|催收|还款|还钱|还上|贷款|信用卡(?:欠|账单)|债务|借款|欠费|分期|罚息|"
        r"(?:替|帮|代)(?:他|她)(?:还|处理|垫)|(?i:\b(?:debt|owes?|overdue|past due|collection)\b)",
        "mentions the debt or collection to a third party",
        context="third_party",
        negatable=False,
    ),
    # extra fees
    Pattern(
        "extra_fee.named_fee",
        FEE,
        HIGH,
        r"催收费|上门费|外访费|加急费|处理费|解冻费|注销费|消除记录费|洗白费|辛苦费|茶水费|好处费|车马费|"
        r"销案费|撤诉费|停催费",
        "names a fee no loan contract carries",
        unless=CONTRACT,
    ),
    Pattern(
        "extra_fee.demand_extra",
        FEE,
        HIGH,
        rf"(?:额外|另外|另行|再多?|多)(?:收取?|支付|交|付|缴|转){G}{{0,6}}(?:钱|费|块|元|百|千)|"
        rf"(?:先|需要|得|要|必须)(?:交|付|缴|支付|转){G}{{0,4}}(?:手续费|服务费|保证金|押金|管理费|违约费)",
        "asks for money beyond the contract",
        unless=CONTRACT,
    ),
    Pattern(
        "extra_fee.personal_account",
        FEE,
        HIGH,
        r"(?:转|打|汇|付)(?:到|给|进)?(?:我|我的)(?:个人|私人)?(?:账户|账号|卡|银行卡|微信|支付宝)|"
        r"(?:个人|私人)(?:账户|账号|微信|支付宝)(?:还款|付款|转账)",
        "asks for payment into a collector's own account",
    ),
    # induce borrowing
    Pattern(
        "induce_borrowing.new_loan",
        BOR,
        MED,
        r"借新还旧|以贷养贷|以贷还贷|拆东墙补西墙|撸口子|套现|(?:办|申请|开|弄)(?:一?张|个|一笔)?(?:信用卡|网贷|贷款|花呗|借呗|微粒贷|白条)"
        rf"{G}{{0,6}}(?:还|先还|来还|还上|周转)|(?:用|拿|刷)(?:信用卡|花呗|借呗|白条|微粒贷|网贷){G}{{0,6}}(?:还|套|刷)",
        "urges a new loan or card cash-out to repay",
    ),
    Pattern(
        "induce_borrowing.borrow_elsewhere",
        BOR,
        MED,
        rf"(?:去|找|向|跟|问)(?:别的|其他|别家|另外的?|你的?)?(?:平台|网贷|贷款公司|小贷|银行|亲戚|朋友|家人|同事|父母|爸妈|兄弟)"
        rf"{G}{{0,4}}(?:借|贷|周转|凑|拆借)|(?:借|凑)(?:点|些|一下|一点)?钱(?:来|先|去)?(?:还|把)|"
        rf"(?:可以|能)(?:帮你|给你)(?:介绍|推荐){G}{{0,6}}(?:贷款|平台|借钱|口子)",
        "urges borrowing from others to repay",
    ),
    # privacy leaks (lexical; numbers read out are found by the PII guard)
    Pattern(
        "privacy_leak.other_person_info",
        PL,
        HIGH,
        rf"(?:你|您|他|她)的?{KIN}的?(?:电话|手机号?|号码|住址|地址|家庭住址|身份证号?|工作单位|单位地址|工资|收入)(?:是|为|在)"
        r"(?!多少|哪|什么)",
        "reads out another person's contact or identity data",
    ),
    Pattern(
        "privacy_leak.debtor_info_to_third_party",
        PL,
        HIGH,
        r"(?:他|她)的?(?:身份证号?|手机号|住址|家庭住址|银行卡号?|工资|收入|征信|欠款金额)(?:是|为|有)(?!多少|哪|什么)",
        "tells a third party the debtor's personal data",
        context="third_party",
    ),
)
