/**
 * Every piece of user-facing Chinese copy in src/ lives here (STYLE.md §3). Keys are flat and
 * dotted (`area.thing.state`); `{name}` placeholders are filled by `t()`.
 */
export const messages = {
  'site.name': '青岚清廉',
  'site.fullName': '青岚市"六个清廉"公开与监督平台',
  'site.tagline': '公开每一项小微权力，倾听每一条群众意见',
  'site.demoBanner': '演示数据：本站所有单位、人员与数字均为虚构，仅用于展示功能。',
  'site.skipLink': '跳到正文',
  'site.operator': '主办：青岚市纪委监委（演示）',
  'site.printedFrom': '打印自 {url}',

  'nav.label': '主导航',
  'nav.home': '首页',
  'nav.units': '单位',
  'nav.status': '系统状态',

  'carrier.agency': '清廉机关',
  'carrier.school': '清廉学校',
  'carrier.village': '清廉村居',
  'carrier.enterprise': '清廉企业',
  'carrier.hospital': '清廉医院',
  'carrier.family': '清廉家庭',
  'carrier.unitCount': '{count} 个单位',

  'home.title': '首页',
  'home.intro':
    '本平台公开学校、村居、机关、企业、医院的小微权力清单和各类公示信息，群众可以提出监督意见并查询办理进度。',
  'home.carriersHeading': '六个清廉',
  'home.familiesHeading': '清廉家庭（按乡镇汇总）',
  'home.familiesNote': '清廉家庭只公布汇总数字，不公开任何家庭的个人信息。',
  'home.familiesCaption': '{year} 年各乡镇清廉家庭创建情况',
  'home.familiesTownship': '乡镇（街道）',
  'home.familiesHouseholds': '参与创建户数',
  'home.familiesRecognised': '评定清廉家庭户数',
  'home.browseUnits': '查看全部单位',

  'units.title': '单位目录',
  'units.filterHeading': '筛选',
  'units.filterCarrier': '按类别',
  'units.filterTownship': '按乡镇（街道）',
  'units.any': '全部',
  'units.resultCount': '共 {count} 个单位',
  'units.none': '没有符合条件的单位。',
  'units.column.name': '单位名称',
  'units.column.carrier': '类别',
  'units.column.township': '乡镇（街道）',
  'units.column.leadDepartment': '牵头部门',
  'units.filteredTitle': '单位目录：{carrier} · {township}',

  'unit.leadDepartment': '牵头部门',
  'unit.township': '所在乡镇（街道）',
  'unit.carrier': '类别',
  'unit.powersHeading': '小微权力清单',
  'unit.powersNone': '该单位尚未公布小微权力清单。',
  'unit.power.decidedBy': '决策主体',
  'unit.power.steps': '运行流程',
  'unit.power.disclosedAt': '公开渠道',
  'unit.disclosuresHeading': '公示信息',
  'unit.disclosuresPending': '该单位的公示信息将在此按类别和期间列出。',
  'unit.feedbackHeading': '监督意见',
  'unit.feedbackPending': '群众监督意见的提交与办理情况将在此公开。',

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
  'common.print': '打印本页',

  'units.carrier.invalid': '类别无效',
  'units.township.invalid': '乡镇编号无效',
  'units.page.invalid': '页码无效',
  'units.pageSize.invalid': '每页条数应为 1 到 100',
  'units.slug.invalid': '只能使用小写字母、数字和连字符',
  'units.slug.tooLong': '不能超过 64 个字符',
  'families.recognised.exceedsHouseholds': '评定户数不能超过参与户数',
} as const;

export type MessageKey = keyof typeof messages;
