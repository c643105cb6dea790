/**
 * Personal identifiers as the detector (src/domain/privacy) names them: labels for highlighted findings,
 * the submitter's warning while typing and the moderator's summary.
 */
export const privacyMessages = {
  'privacy.kind.mobile': '手机号码',
  'privacy.kind.landline': '固定电话',
  'privacy.kind.residentId': '身份证号码',
  'privacy.kind.bankCard': '银行卡号',
  'privacy.kind.email': '电子邮箱',
  'privacy.kind.plate': '车牌号码',
  'privacy.kind.birthDate': '出生日期',
  'privacy.kind.longNumber': '长串数字',
  'privacy.found': '（疑似{kind}）',
  'privacy.kindCount': '{kind} {count} 处',
  'privacy.listSeparator': '、',
} as const;
