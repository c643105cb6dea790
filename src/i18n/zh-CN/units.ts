/**
 * Units: carriers (`carrier.*`), the unit directory (`units.*`), a unit's page (`unit.*`) and family figures.
 */
export const unitsMessages = {
  'carrier.agency': '清廉机关',
  'carrier.school': '清廉学校',
  'carrier.village': '清廉村居',
  'carrier.enterprise': '清廉企业',
  'carrier.hospital': '清廉医院',
  'carrier.family': '清廉家庭',
  'carrier.unitCount': '{count} 个单位',

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
  'unit.feedbackHeading': '监督意见',

  'units.carrier.invalid': '类别无效',
  'units.township.invalid': '乡镇编号无效',
  'units.page.invalid': '页码无效',
  'units.pageSize.invalid': '每页条数应为 1 到 100',
  'units.slug.invalid': '只能使用小写字母、数字和连字符',
  'units.slug.tooLong': '不能超过 64 个字符',
  'units.dueFrom.notForCarrier': '该类单位不发布这类定期公示，请删除此项',
  'families.recognised.exceedsHouseholds': '评定户数不能超过参与户数',

  'unit.disclosuresAllOfKind': '全市{kind}列表',

  'unit.feedbackSee': '查看该单位公开的监督意见、按期答复率和满意度',
  'unit.feedbackSubmit': '对该单位提出监督意见',
  'unit.feedbackMeal': '提交家长陪餐记录',
} as const;
