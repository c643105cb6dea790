/**
 * Notifications (`notify.*`): the texts and e-mails the outbox sends (src/services/notifications.ts).
 * They say that something happened and where to look, never the content of an item or a reply. Staff
 * messages name the unit only: no tracking code (a unit's responders never see one) and nothing about
 * the submitter.
 */
export const notificationsMessages = {
  'notify.feedbackReceived.subject': '新的监督反馈待受理',
  'notify.feedbackReceived.text': '【{site}】{unit}收到一条新的监督反馈，请登录工作台受理。',
  'notify.deadlineSoon.subject': '监督反馈即将到期',
  'notify.deadlineSoon.text': '【{site}】{unit}有一条监督反馈将在 {days} 日内到期，请登录工作台及时办理。',
  'notify.deadlinePassed.subject': '监督反馈已超期',
  'notify.deadlinePassed.text': '【{site}】{unit}有一条监督反馈已超过办理期限，请登录工作台尽快办理。',
  'notify.replyPublished.subject': '您的反馈已有答复',
  'notify.replyPublished.text':
    '【{site}】您反映的问题（跟踪码 {code}）已有答复，请在网站上输入跟踪码查看，凭查询密码可评价答复。',
  'notify.contact.invalid': '请填写有效的通知方式，或者留空',
  'notify.email.invalid': '请填写有效的电子邮箱地址，或者留空',
  'notify.phone.invalid': '请填写 11 位手机号码，或者留空',
  'notify.account.unknown': '没有这个账号',
  'notify.audit.counts':
    '通知：待发送 {pending} 条，已发送 {delivered} 条，未能发送 {failed} 条（重试用尽或没有地址）。',
} as const;
