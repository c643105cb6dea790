/**
 * Notifications (`notify.*`): the texts and e-mails the outbox sends (src/services/notifications.ts).
 * They say that something happened and where to look, never the content of an item or a reply.
 */
export const notificationsMessages = {
  'notify.feedbackReceived.subject': '新的监督反馈待受理',
  'notify.feedbackReceived.text': '【青岚清廉】{unit}收到一条新的监督反馈（跟踪码 {code}），请登录工作台受理。',
  'notify.deadlineSoon.subject': '监督反馈即将到期',
  'notify.deadlineSoon.text': '【青岚清廉】{unit}的监督反馈（跟踪码 {code}）将在 3 日内到期，请及时办理。',
  'notify.deadlinePassed.subject': '监督反馈已超期',
  'notify.deadlinePassed.text': '【青岚清廉】{unit}的监督反馈（跟踪码 {code}）已超过办理期限，请尽快办理。',
  'notify.replyPublished.subject': '您的反馈已有答复',
  'notify.replyPublished.text': '【青岚清廉】您反映的问题（跟踪码 {code}）已有答复，请凭跟踪码和查询密码在网站上查看。',
} as const;
