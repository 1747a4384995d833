"""Word lists the recognisers use: Chinese surnames, name cues, provinces and address cues."""

from __future__ import annotations

# The common single-character surnames (百家姓 and the 2020 census top list) and the compound ones.
SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安"
    "齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛"
    "靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚"
    "皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦"
    "戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信"
    "展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "长孙", "宇文", "尉迟",
        "公孙", "轩辕", "独孤", "南宫", "西门", "端木", "百里", "呼延", "澹台", "万俟", "闻人", "申屠",
    }
)  # fmt: skip

# Words just before a name that say "a person's name follows".
NAME_PREFIX_CUES = (
    "紧急联系人", "借款人", "联系人", "担保人", "保证人", "共同借款人", "债务人", "持卡人", "户名", "姓名", "客户",
    "配偶", "父亲", "母亲", "儿子", "女儿", "哥哥", "姐姐", "弟弟", "妹妹", "丈夫", "妻子", "同事", "朋友", "本人",
    "催收员", "坐席",
)  # fmt: skip
# Honorifics just after a name.
NAME_SUFFIX_CUES = ("先生", "女士", "小姐", "老师", "师傅", "阿姨", "大哥", "大姐", "经理", "总")

# Characters that rarely end a given name but often follow one in collection notes ("张三表示", "李四称").
NAME_STOP_CHARS = frozenset(
    "的在于是和与及称说表已未将因对向把被给从等拒同也都又还就只会要能为到了过着讲承诺电话手机号码身份证住址地址先女小"
    "今昨本该其他她您你我们并但却再需应请经由时处接挂回拨无有不没告知确认答复要求愿意同意"
)

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip

# Words that may be swallowed at the start of an address match and are trimmed off ("家住", "位于").
ADDRESS_LEADING_CUES = (
    "居住地址", "现住址", "户籍地址", "家庭住址", "单位地址", "居住在", "居住于", "住址", "地址", "家住", "住在",
    "位于", "现住", "居住", "搬到", "搬至", "前往", "来到", "住", "在", "于", "到", "至",
)  # fmt: skip

# Words before a number that make it a secret (C3): passwords and card verification codes.
CREDENTIAL_CUES = ("密码", "交易密码", "查询密码", "验证码", "CVV2", "CVV", "CVN2", "CVN", "安全码", "动态码")
