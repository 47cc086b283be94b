/**
 * The console page. Its script is plain DOM code (no framework, no build step) and puts every
 * piece of text in with `textContent`, so nothing a person types is ever parsed as markup.
 */
export function consolePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>echobot console</title>
<style>${CSS}</style>
</head>
<body>
<header><b>echobot console</b> <span class="hint">local only · people talk to this node through its real, signed webhooks</span>
<nav><a href="/">Timeline</a> <a href="/feed.atom">Feed</a></nav></header>
<main>
<section id="people-col">
<form id="add-form" class="box">
<b>Add a person</b>
<div class="row">
<select id="add-kind" aria-label="channel"><option value="sms">SMS phone</option><option value="telegram">Telegram id</option></select>
<input id="add-address" placeholder="+15550001111" aria-label="phone number or Telegram id" required>
<button id="add-btn" type="submit">Add</button>
</div>
<div id="add-error" class="error"></div>
</form>
<div id="people"></div>
</section>
<section id="raw-col">
<div class="box"><b>Webhook requests</b><ol id="webhooks" class="raw"></ol></div>
<div class="box"><b>Outbox records</b><ol id="outbox" class="raw"></ol></div>
</section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,sans-serif;background:#f4f5f8;color:#1d2330}
header{background:#1f3b5b;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;flex-wrap:wrap;align-items:baseline}
header a{color:#fff}.hint{opacity:.75;font-size:.85rem}header nav{margin-left:auto}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem;padding:1rem}
@media (max-width:760px){main{grid-template-columns:minmax(0,1fr)}}
.box{background:#fff;border:1px solid #dde1ea;border-radius:10px;padding:.7rem;margin-bottom:1rem}
.row{display:flex;gap:.4rem;margin-top:.4rem}.row input{flex:1;min-width:0}
input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid #c7ccd8;border-radius:6px}
button{background:#245bb5;color:#fff;border-color:#245bb5;cursor:pointer}
#people{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(15rem,100%),1fr));gap:.8rem}
.person{background:#fff;border:1px solid #dde1ea;border-radius:10px;padding:.6rem;display:flex;flex-direction:column}
.person h3{margin:0 0 .3rem;font-size:1rem}
.badge{font-size:.7rem;background:#e8eefc;color:#2c4a8a;border-radius:4px;padding:.05rem .35rem;margin-right:.4rem;vertical-align:middle}
.inbox{list-style:none;margin:0;padding:0;min-height:5rem;max-height:16rem;overflow:auto;flex:1}
.inbox li{margin:.25rem 0;padding:.3rem .5rem;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere}
.inbox li.echo{background:#e8f0fe}.inbox li.reply{background:#eef7ee;font-size:.9rem}
.inbox li.sent{background:#245bb5;color:#fff;margin-left:2rem}
.inbox li small{display:block;opacity:.7;font-size:.72rem}
.raw{font:12px/1.35 ui-monospace,monospace;max-height:22rem;overflow:auto;padding-left:1.4rem;margin:.4rem 0 0}
.raw li{white-space:pre-wrap;overflow-wrap:anywhere;border-bottom:1px solid #eee;padding:.2rem 0}
.error{color:#b42318;font-size:.85rem}
`;

// Kept as a plain string: it runs in the browser, not in Node.
const SCRIPT = `
const people = JSON.parse(localStorage.getItem('echobot-console-people') || '[]');
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
const keyOf = (channel, address) => channel + ':' + address;
const save = () => localStorage.setItem('echobot-console-people', JSON.stringify(people));
const outboxSeen = [];

function personCard(p) {
  const card = el('div', 'person');
  card.dataset.person = keyOf(p.channel, p.address);
  const title = el('h3', '', p.address);
  title.prepend(el('span', 'badge', p.channel === 'sms' ? 'SMS' : 'Telegram'));
  card.append(title);
  card.append(el('ul', 'inbox'));
  const form = el('form', 'row compose');
  const input = el('input');
  input.placeholder = 'Type as ' + p.address + ' (try JOIN name)';
  input.setAttribute('aria-label', 'message from ' + p.address);
  const btn = el('button', '', 'Send');
  btn.type = 'submit';
  form.append(input, btn);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text) return;
    input.value = '';
    addMessage(card, 'sent', text, 'you');
    const res = await fetch('/console/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: p.channel, address: p.address, text }) });
    if (!res.ok) addMessage(card, 'reply', 'console: ' + (await res.text()), 'error');
  });
  card.append(form);
  document.getElementById('people').append(card);
  for (const line of outboxSeen) route(line);
  return card;
}

function addMessage(card, kind, text, label) {
  const li = el('li', kind, text);
  li.append(el('small', '', label));
  const inbox = card.querySelector('.inbox');
  inbox.append(li);
  inbox.scrollTop = inbox.scrollHeight;
}

function route(line) {
  const card = document.querySelector('[data-person="' + CSS.escape(keyOf(line.channel, line.to)) + '"]');
  if (card) addMessage(card, line.kind, line.text, line.kind + ' · ' + line.at.slice(11, 19));
}

document.getElementById('add-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const channel = document.getElementById('add-kind').value;
  const address = document.getElementById('add-address').value.trim();
  const error = document.getElementById('add-error');
  const ok = channel === 'sms' ? /^\\+[1-9]\\d{5,14}$/.test(address) : /^[1-9]\\d{0,14}$/.test(address);
  if (!ok) { error.textContent = channel === 'sms' ? 'Enter a phone number like +15550001111' : 'Enter a numeric Telegram id'; return; }
  if (people.some((p) => p.channel === channel && p.address === address)) { error.textContent = 'Already here'; return; }
  error.textContent = '';
  const p = { channel, address };
  people.push(p);
  save();
  personCard(p);
  document.getElementById('add-address').value = '';
});
document.getElementById('add-kind').addEventListener('change', (ev) => {
  document.getElementById('add-address').placeholder = ev.target.value === 'sms' ? '+15550001111' : '123456789';
});

for (const p of people) personCard(p);

const events = new EventSource('/console/events');
events.addEventListener('outbox', (ev) => {
  const line = JSON.parse(ev.data);
  outboxSeen.push(line);
  document.getElementById('outbox').append(el('li', '', ev.data));
  route(line);
});
events.addEventListener('webhook', (ev) => {
  const w = JSON.parse(ev.data);
  const text = w.method + ' ' + w.url + '\\n' + Object.entries(w.headers).map(([k, v]) => k + ': ' + v).join('\\n') + '\\n\\n' + w.body + '\\n→ ' + w.status + ' ' + w.response;
  document.getElementById('webhooks').append(el('li', '', text));
});
`;
