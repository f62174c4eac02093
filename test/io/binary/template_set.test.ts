import t from 'tap';
import { CLIENT_TEMPLATES, NEW_ORDER, SERVER_TEMPLATES, TemplateId, TemplateSet } from '../../../io/binary/index.js';

t.test('each direction finds its own templates by id and no others', (t) => {
  t.equal(CLIENT_TEMPLATES.byId(TemplateId.NEW_ORDER), NEW_ORDER);
  t.equal(CLIENT_TEMPLATES.byId(TemplateId.EXECUTION_REPORT), undefined);
  t.equal(SERVER_TEMPLATES.byId(TemplateId.NEW_ORDER), undefined);
  t.equal(CLIENT_TEMPLATES.byId(65535), undefined);
  t.equal(CLIENT_TEMPLATES.max_template_bytes, 128, 'ListOrder');
  t.equal(SERVER_TEMPLATES.max_template_bytes, 184);
  t.end();
});

t.test('a template set refuses two templates with one id, or a template of the other direction', (t) => {
  t.throws(() => new TemplateSet('client', [NEW_ORDER, NEW_ORDER] as never), /used twice/);
  t.throws(() => new TemplateSet('server', [NEW_ORDER] as never), /not a server template/);
  t.end();
});
