// The web chat page (index.html); a file, not inline, so the CSP can forbid inline scripts.
const log = document.getElementById('log');
const input = document.getElementById('t');
let user = localStorage.getItem('loa-user');
// The id is the conversation: whoever knows it continues it, so it comes from the CSPRNG.
if (!user || user.length < 20) {
  // getRandomValues works on plain http too (randomUUID needs a secure context).
  user = 'web-' + Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  localStorage.setItem('loa-user', user);
}
function bubble(text, who) {
  const div = document.createElement('div');
  div.className = 'msg ' + who;
  div.textContent = text;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
}
async function send(body, shown) {
  bubble(shown, 'me');
  try {
    const res = await fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, ...body }) });
    const data = await res.json();
    if (!res.ok) { bubble(data.error ? data.error.message : 'Error', 'bot'); return; }
    for (const r of data.replies) {
      bubble(r.text, 'bot');
      if (r.quickReplies) {
        const row = document.createElement('div');
        row.className = 'quick';
        for (const q of r.quickReplies) {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = q.title;
          b.onclick = () => send({ payload: q.payload }, q.title);
          row.appendChild(b);
        }
        log.appendChild(row);
      }
    }
    log.scrollTop = log.scrollHeight;
  } catch (e) { bubble('Không gửi được tin nhắn. Vui lòng thử lại.', 'bot'); }
}
document.getElementById('f').onsubmit = (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send({ text }, text);
};
send({ text: 'xin chào' }, 'xin chào');
