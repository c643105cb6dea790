/**
 * Site-wide messages: the site itself, navigation (`nav.*`), the home, status and not-found pages, and
 * texts shared by every form (`common.*`, `form.*`, `text.*`).
 */
export const siteMessages = {
  'site.name': '{city}清廉',
  'site.fullName': '{city}"六个清廉"公开与监督平台',
  'site.tagline': '公开每一项小微权力，倾听每一条群众意见',
  'site.demoBanner': '演示数据：本站所有单位、人员与数字均为虚构，仅用于展示功能。',
  'site.skipLink': '跳到正文',
  'site.largerText': '大字模式',
  'site.tableScrollHint': '表格较宽，可左右滑动查看其余各列。',
  'site.operator': '主办：{operator}',
  'site.contact': '{commission}　地址：{address}　电话：{phone}',
  'site.fictionalName': '{name}（虚构）',
  'site.fictionalNote': '本市名称及以上机构名称、地址、电话均为虚构。',
  'site.printedFrom': '打印自 {url}',

  'nav.label': '主导航',
  'nav.home': '首页',
  'nav.units': '单位',

  'home.title': '首页',
  'home.intro':
    '本平台公开学校、村居、机关、企业、医院的小微权力清单和各类公示信息，群众可以提出监督意见并查询办理进度。',
  'home.wayInLabel': '办事入口',
  'home.wayIn.feedback': '我要反映',
  'home.wayIn.feedbackHint': '投诉、举报线索或意见建议',
  'home.wayIn.track': '查询进度',
  'home.wayIn.trackHint': '凭查询码查看办理情况和答复',
  'home.wayIn.rate': '满意度测评',
  'home.wayIn.rateHint': '凭邀请码为学校、村居等打分',
  'home.carriersHeading': '六个清廉',
  'home.familiesHeading': '清廉家庭（按乡镇汇总）',
  'home.familiesNote': '清廉家庭只公布汇总数字，不公开任何家庭的个人信息。',
  'home.familiesCaption': '{year} 年各乡镇清廉家庭创建情况',
  'home.familiesTownship': '乡镇（街道）',
  'home.familiesHouseholds': '参与创建户数',
  'home.familiesRecognised': '评定清廉家庭户数',
  'home.browseUnits': '查看全部单位',

  'status.title': '系统状态',
  'status.database': '数据库',
  'status.ok': '正常',
  'status.down': '不可用',
  'status.migration': '数据库结构版本',
  'status.version': '程序版本',
  'status.checkedAt': '检查时间',

  'notFound.title': '页面不存在',
  'notFound.body': '您访问的页面不存在或已被移除。',
  'notFound.back': '返回首页',

  'common.errorPrefix': '错误：',

  'nav.disclosures': '公示公开',
  'nav.search': '搜索',
  'nav.data': '开放数据',

  'text.unsafe': '含有无法保存的控制字符或文字方向控制符，请删除后重新提交',
  'common.field.unknown': '不认识的字段',
  'common.field.invalid': '格式不正确',
  'common.field.duplicate': '同一个字段出现了不止一次',
  'common.schema.unrecognizedKeys': '不认识的字段：{keys}（请检查拼写，或删除这些字段）',
  'common.schema.required': '必须填写',
  'common.schema.invalidType': '类型不对（应为 {expected}）',
  'common.schema.invalidValue': '取值不在允许的范围内（可选：{values}）',
  'common.schema.tooSmall.string': '内容太短（至少 {minimum} 个字符）',
  'common.schema.tooSmall.array': '条目太少（至少 {minimum} 条）',
  'common.schema.tooSmall.number': '数值太小（不小于 {minimum}）',
  'common.schema.tooBig.string': '内容太长（最多 {maximum} 个字符）',
  'common.schema.tooBig.array': '条目太多（最多 {maximum} 条）',
  'common.schema.tooBig.number': '数值太大（不大于 {maximum}）',
  'common.schema.invalidFormat': '格式不正确',
  'common.schema.invalidUnion': '内容不符合任何一种允许的写法',
  'common.schema.notMultipleOf': '小数位数超出允许范围',
  'common.schema.invalid': '内容不正确',

  'nav.feedback': '监督意见',
  'nav.surveys': '满意度测评',
  'form.errorSummary': '提交前请修改以下问题',
  'form.namedError': '{field}：{message}',
  'form.honeypot': '此栏供防范自动程序使用，请不要填写',
  'form.rateLimited': '提交太频繁，请在 {minutes} 分钟后再试。',
  'form.tooLarge': '提交的内容太多，请精简后重试。',
  'form.unreadable': '无法读取提交的内容，请刷新页面后重试。',
  'form.unavailable': '服务暂时不可用，请稍后再试。',

  'nav.statistics': '统计',

  'nav.scoring': '考评结果',

  'site.percentBelow': '{value}（实际低于 {threshold}）',
} as const;
