// dutybot staff console: 问答, 浏览, 报告. Vanilla JavaScript, no framework.
// Every piece of data reaches the page through textContent (h() below),
// never through innerHTML.
'use strict';
(function () {
  // ---- DOM helpers ----
  const $ = (sel) => document.querySelector(sel);

  // h builds an element. attrs: class, text, on<event> handlers, other attributes.
  // Children may be nodes, strings (added as text), arrays, or null.
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    add(el, kids);
    return el;
  }
  function add(el, kids) {
    for (const c of kids.flat(Infinity)) {
      if (c == null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...kids) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, String(v));
    return add(el, kids);
  }
  const clear = (el) => { el.replaceChildren(); return el; };

  // ---- storage (may be unavailable: private windows, policies) ----
  function storage(kind) {
    try { const st = window[kind]; st.length; return st; } catch (e) { return null; }
  }
  const session = storage('sessionStorage');
  const memory = {};
  const load = (k) => { try { return session ? session.getItem(k) : memory[k] || null; } catch (e) { return memory[k] || null; } };
  const save = (k, v) => {
    if (v == null) delete memory[k]; else memory[k] = v;
    try { if (session) { if (v == null) session.removeItem(k); else session.setItem(k, v); } } catch (e) { /* memory only */ }
  };

  // ---- API ----
  class APIError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }
  async function api(path, opts) {
    opts = opts || {};
    const headers = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, opts.headers || {});
    let res;
    try {
      res = await fetch(path, {
        method: opts.method || 'GET', headers, cache: 'no-store',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (e) {
      throw new APIError(0, '无法连接服务器，请检查网络或服务是否在运行。');
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) {
        if (res.ok) throw new APIError(res.status, '服务器返回了无法识别的内容。');
      }
    }
    if (!res.ok) {
      let msg = data && (data.error || data.message);
      if (msg && typeof msg === 'object') msg = msg.message || JSON.stringify(msg);
      throw new APIError(res.status, `出错了（HTTP ${res.status}）：${msg || res.statusText || '请求失败'}`);
    }
    return data;
  }

  // ---- words ----
  const KINDS = [
    ['basic', '基本履职事项'],
    ['cooperative', '配合履职事项'],
    ['reclaimed', '收回事项'],
  ];
  const kindLabel = (k) => (KINDS.find((x) => x[0] === k) || [k, k || '事项'])[1];
  const kindOfRef = (ref) => ({ B: 'basic', C: 'cooperative', R: 'reclaimed' })[String(ref || '').charAt(0).toUpperCase()] || '';
  const DECISIONS = {
    answer: '直接回答', choice: '请群众选择', none: '清单里没有', body: '单位的事项',
    help: '帮助', categories: '分类', more: '详情（续）', feedback: '评价已记录', limited: '提问太频繁',
    smalltalk: '寒暄', contact: '联系方式（转人工）',
  };
  const FIELDS = {
    name: '事项名称', category: '类别', bodies: '单位', township_steps: '乡镇职责',
    lead_steps: '部门职责', handover: '承接方式',
  };
  const MORE = '回复 详情 查看更多';
  const num = (x) => (typeof x === 'number' && isFinite(x) ? x : 0);
  const fmt = (x) => num(x).toFixed(2);
  const list = (x) => (Array.isArray(x) ? x : []);

  // ---- state ----
  const state = {
    township: '',   // the township the list is about, once known
    items: null,    // GET api/items, normalized
    itemCache: {},  // ref -> full item
    kind: 'basic',
    category: '',
    several: false, // several townships are served
    // the township of a /?q=QUESTION&t=TOWNSHIP link, until the selector takes it
    linked: new URLSearchParams(location.search).get('t') || '',
  };

  function userID() {
    let id = load('dutybot.user');
    if (!id) {
      const b = new Uint8Array(6);
      (window.crypto || {}).getRandomValues ? crypto.getRandomValues(b) : b.forEach((_, i) => { b[i] = Math.random() * 256; });
      id = 'web-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      save('dutybot.user', id);
    }
    return id;
  }

  // ========== 问答 ==========
  const chat = $('#chat');
  const input = $('#q');
  const staff = $('#staff');
  let queue = Promise.resolve();

  function avatar(me) { return h('span', { class: 'avatar', 'aria-hidden': 'true', text: me ? '我' : '助' }); }
  function msg(me, ...content) {
    const row = h('div', { class: 'msg ' + (me ? 'me' : 'bot') },
      avatar(me), h('div', { class: 'stack' }, h('span', { class: 'sr-only', text: me ? '我说：' : '助手回复：' }), content));
    chat.append(row);
    chat.scrollTop = chat.scrollHeight;
    return row;
  }

  function intro() {
    clear(chat).append(
      h('p', { class: 'hint', text: '这里和群众在微信里看到的一样。试试：' }),
      h('div', { class: 'examples' },
        ['办残疾证找谁', '村里改厕所还有补贴吗', '残联管哪些事', '分类', '联系方式'].map((q) =>
          h('button', { type: 'button', class: 'ghost small', onclick: () => send(q) }, q))));
  }

  // send asks a question in order: replies arrive in the order questions were sent.
  function send(text) {
    text = String(text || '').trim();
    if (!text) return;
    if (!location.hash.startsWith('#/ask') && location.hash !== '' && location.hash !== '#') location.hash = '#/ask';
    msg(true, h('div', { class: 'bubble', text }));
    const pending = h('div', { class: 'bubble pending', text: '正在回答…' });
    const row = msg(false, pending);
    queue = queue.then(() => askOnce(text, row));
    return queue;
  }

  async function askOnce(text, row) {
    const body = { question: text, user: userID(), explain: true };
    if (state.township || state.linked) body.township = state.township || state.linked;
    try {
      const a = await api('api/ask', { method: 'POST', body });
      if (a && a.township && !state.township) state.township = a.township;
      row.querySelector('.stack').replaceChildren(...reply(a));
      showStaff(text, a);
    } catch (e) {
      row.querySelector('.stack').replaceChildren(h('div', { class: 'bubble error', role: 'alert', text: e.message }));
      clear(staff).append(h('p', { class: 'notice error', text: e.message }));
    }
    chat.scrollTop = chat.scrollHeight;
  }

  // reply renders the bot's text exactly as a villager sees it; numbered
  // choices and listed refs become buttons that send the number or ref.
  function reply(a) {
    const text = typeof a.reply === 'string' ? a.reply : '';
    const bubble = h('div', { class: 'bubble' });
    const nChoices = a.decision === 'choice' ? list(a.choices).length : 0;
    text.split('\n').forEach((line, i) => {
      if (i) bubble.append('\n');
      const pick = /^(\d+)\.\s/.exec(line);
      const ref = /^·\s*([BCR]\d+)\s/.exec(line);
      if (pick && +pick[1] >= 1 && +pick[1] <= nChoices) {
        bubble.append(h('button', { type: 'button', class: 'pick', 'data-pick': pick[1], title: '回复 ' + pick[1], onclick: () => send(pick[1]) }, line));
      } else if (ref) {
        bubble.append(h('button', { type: 'button', class: 'pick', 'data-ref': ref[1], title: '回复 ' + ref[1], onclick: () => send(ref[1]) }, line));
      } else {
        bubble.append(line);
      }
    });
    const out = [h('span', { class: 'sr-only', text: '助手回复：' }), bubble];
    const acts = [];
    if (text.trimEnd().endsWith(MORE)) acts.push(h('button', { type: 'button', class: 'more', onclick: () => send('详情') }, '详情'));
    if (a.decision === 'answer' || (a.decision === 'more' && list(a.items).length)) {
      acts.push(h('button', { type: 'button', onclick: () => send('有用'), 'aria-label': '评价：有用' }, '有用'));
      acts.push(h('button', { type: 'button', onclick: () => send('没用'), 'aria-label': '评价：没用' }, '没用'));
    }
    if (acts.length) out.push(h('div', { class: 'actions' }, acts));
    return out;
  }

  // nameOf returns an item's name from the loaded list, or ''.
  function nameOf(ref) {
    const it = (state.items || []).find((x) => x.ref === ref);
    return it ? it.name : '';
  }

  function itemLink(ref, label) {
    return h('a', { href: '#/item/' + encodeURIComponent(ref), class: 'ref' }, label || ref);
  }

  function showStaff(question, a) {
    const refs = list(a.refs);
    const d = a.decision || '';
    // A link that asks again makes sense for a question, not for a pick or 详情.
    // With several townships it names the one that answered.
    const town = a.township && (state.several || state.linked) ? '&t=' + encodeURIComponent(a.township) : '';
    const share = list(a.candidates).length || d === 'none' ? '?q=' + encodeURIComponent(question) + town : '';
    const view = [
      h('div', { class: 'facts' },
        h('span', null, '判断：', h('span', { class: 'badge ' + d, 'data-decision': d }, (DECISIONS[d] || d) + (d ? ' · ' + d : ''))),
        refs.length ? h('span', null, '事项：', refs.map((r, i) => [i ? '、' : '', itemLink(r)])) : null,
        share ? h('a', { href: share, class: 'small', title: '打开即提问的链接' }, '分享此问题') : null),
    ];
    const items = list(a.items);
    if (items.length) {
      view.push(h('section', null, h('h3', { text: `回答的事项（${items.length}）` }),
        h('ul', { class: 'items' }, items.slice(0, 30).map((it) => h('li', { 'data-ref': it.ref },
          h('div', null, itemLink(it.ref), ' ', h('span', { class: 'badge kind-' + (it.kind || kindOfRef(it.ref)), text: kindLabel(it.kind || kindOfRef(it.ref)) })),
          h('div', { class: 'name', text: it.name || '' }),
          responsible(it) ? h('div', { class: 'muted small', text: responsible(it) }) : null))),
        items.length > 30 ? h('p', { class: 'muted small', text: `另有 ${items.length - 30} 项未列出。` }) : null));
    }
    const choices = list(a.choices);
    if (choices.length) {
      view.push(h('section', null, h('h3', { text: '给群众的选项' }),
        h('ol', null, choices.map((c) => h('li', null, itemLink(c.ref), ' ', c.name || '')))));
    }
    const cands = list(a.candidates);
    if (cands.length) {
      const top = Math.max(...cands.map((c) => num(c.score)), 1e-9);
      view.push(h('section', null, h('h3', { text: '候选事项与得分' }),
        h('table', { class: 'cands' },
          h('thead', null, h('tr', null, h('th', { scope: 'col', text: '#' }), h('th', { scope: 'col', text: '事项与匹配的词' }), h('th', { scope: 'col', class: 'num', text: '得分' }))),
          h('tbody', null, cands.map((c, i) => {
            const bar = h('span');
            bar.style.width = Math.round((100 * num(c.score)) / top) + '%';
            return h('tr', { class: refs.includes(c.ref) ? 'chosen' : null, 'data-ref': c.ref },
              h('td', { class: 'num', text: String(i + 1) }),
              h('td', null, itemLink(c.ref), ' ', c.name || '', why(c.matches)),
              h('td', { class: 'num' }, fmt(c.score), h('div', { class: 'bar', 'aria-hidden': 'true' }, bar)));
          })))));
    } else if (d === 'none') {
      view.push(h('p', { class: 'muted small', text: '没有任何事项和这个问题有共同的词。' }));
    } else if (d === 'answer' || d === 'choice') {
      view.push(h('p', { class: 'muted small', text: '这次回复没有经过匹配（例如群众回复了序号或编号），所以没有候选得分。' }));
    }
    if (list(a.terms).length) view.push(h('p', { class: 'muted small' }, '分词：', list(a.terms).map((t) => h('span', { class: 'term', text: t }))));
    clear(staff).append(...view);
  }

  // why lists the matched terms of a candidate, grouped by field.
  function why(matches) {
    const by = new Map();
    for (const m of list(matches)) {
      if (!by.has(m.field)) by.set(m.field, []);
      by.get(m.field).push(m);
    }
    if (!by.size) return null;
    return h('ul', { class: 'why' }, Array.from(by, ([field, ms]) => h('li', null,
      (FIELDS[field] || field) + '：',
      ms.map((m) => h('span', { class: 'term', title: `${field} · ${m.term} · ${fmt(m.score)}` }, m.term, h('small', { text: fmt(m.score) }))))));
  }

  // responsible says who is responsible for an item, in a phrase.
  function responsible(it, town) {
    town = town || state.township || '乡镇';
    const leads = list(it.leads).join('、');
    const kind = it.kind || kindOfRef(it.ref);
    if (kind === 'basic') return town + '自己负责';
    if (kind === 'cooperative') return leads ? leads + '牵头，' + town + '配合' : town + '配合';
    if (kind === 'reclaimed') {
      const ho = it.handover || {};
      return ho.body ? '已由' + ho.body + '承接' : '已收回，不再开展';
    }
    return leads;
  }

  $('#ask-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value;
    input.value = '';
    send(q);
    input.focus();
  });
  $('#reset').addEventListener('click', () => {
    save('dutybot.user', null);
    intro();
    clear(staff).append(h('p', { class: 'muted', text: '已开始新对话。' }));
    input.focus();
  });

  // ========== 浏览 ==========
  function normalizeItems(d) {
    if (d && !Array.isArray(d)) {
      const t = d.township;
      const name = typeof t === 'string' ? t : t && (t.name || t.township);
      if (name) state.township = state.township || name;
    }
    let items = [];
    if (Array.isArray(d)) items = d;
    else if (d && Array.isArray(d.items)) items = d.items;
    else if (d && d.township && Array.isArray(d.township.items)) items = d.township.items;
    else if (d && Array.isArray(d.townships) && d.townships.length) {
      state.township = state.township || d.townships[0].township || d.townships[0].name || '';
      items = list(d.townships[0].items);
    }
    return items.filter((it) => it && it.ref).map((it) => Object.assign({}, it, { kind: it.kind || kindOfRef(it.ref) }));
  }

  // loadItems fetches the list once; a failed load is tried again next time.
  let itemsLoading = null;
  function loadItems() {
    if (!itemsLoading) {
      const q = state.township ? '?township=' + encodeURIComponent(state.township) : '';
      itemsLoading = api('api/items' + q).then((d) => {
        if (!q && d && Array.isArray(d.townships)) townshipPicker(d.townships.map((t) => t.township || t.name).filter(Boolean));
        state.items = normalizeItems(d);
        if (state.township && !$('#town-select')) $('#township').textContent = state.township + ' · 工作台';
        return state.items;
      }, (e) => { itemsLoading = null; throw e; });
    }
    return itemsLoading;
  }

  // With several townships, a selector in the header switches the console
  // (questions and lists) to another; the choice is kept for the session.
  function townshipPicker(names) {
    if (names.length < 2 || $('#town-select')) return;
    state.several = true;
    const saved = names.includes(state.linked) ? state.linked : load('dutybot.township');
    if (saved === state.linked) save('dutybot.township', saved);
    if (saved && names.includes(saved)) state.township = saved;
    if (!names.includes(state.township)) state.township = names[0];
    const sel = h('select', { id: 'town-select', class: 'town', 'aria-label': '乡镇（街道）', onchange: () => {
      state.township = sel.value;
      state.items = null;
      state.itemCache = {};
      state.category = '';
      itemsLoading = null;
      save('dutybot.township', sel.value);
      route();
    } }, names.map((n) => h('option', { value: n, text: n })));
    sel.value = state.township;
    $('#township').replaceChildren(sel, ' · 工作台');
  }

  const kindTabs = Array.from(document.querySelectorAll('#kinds [role="tab"]'));
  kindTabs.forEach((tab, i) => {
    tab.addEventListener('click', () => { location.hash = '#/browse/' + tab.dataset.kind; });
    tab.addEventListener('keydown', (e) => {
      let j = null;
      if (e.key === 'ArrowRight') j = (i + 1) % kindTabs.length;
      else if (e.key === 'ArrowLeft') j = (i + kindTabs.length - 1) % kindTabs.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = kindTabs.length - 1;
      if (j == null) return;
      e.preventDefault();
      kindTabs[j].focus();
      kindTabs[j].click();
    });
  });
  const filter = $('#filter');
  filter.addEventListener('input', () => renderList());

  async function showBrowse(kind) {
    if (kind && KINDS.some((k) => k[0] === kind) && kind !== state.kind) { state.kind = kind; state.category = ''; }
    for (const tab of kindTabs) {
      const on = tab.dataset.kind === state.kind;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    $('#browse-panel').setAttribute('aria-labelledby', 'tab-' + state.kind);
    const box = $('#list');
    if (!state.items) {
      clear(box).append(h('p', { class: 'muted', text: '正在加载清单…' }));
      try { await loadItems(); } catch (e) {
        clear(box).append(h('p', { class: 'notice error', role: 'alert', text: '清单加载失败。' + e.message }));
        return;
      }
    }
    for (const tab of kindTabs) {
      const n = state.items.filter((it) => it.kind === tab.dataset.kind).length;
      const c = tab.querySelector('.count') || tab.appendChild(h('span', { class: 'count' }));
      c.textContent = String(n);
    }
    renderList();
  }

  function renderList() {
    if (!state.items) return;
    const ofKind = state.items.filter((it) => it.kind === state.kind);
    const cats = [];
    const nCat = {};
    for (const it of ofKind) {
      const c = it.category || '未分类';
      if (!(c in nCat)) { cats.push(c); nCat[c] = 0; }
      nCat[c]++;
    }
    if (state.category && !(state.category in nCat)) state.category = '';
    const chip = (c, label) => h('button', {
      type: 'button', 'aria-pressed': String(state.category === c),
      onclick: () => { state.category = c; renderList(); },
    }, label);
    add(clear($('#cats')), [chip('', `全部 ${ofKind.length}`), cats.map((c) => chip(c, `${c} ${nCat[c]}`))]);

    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = ofKind.filter((it) => {
      if (state.category && (it.category || '未分类') !== state.category) return false;
      const hay = [it.ref, it.name, it.category, list(it.leads).join(' '), it.handover && it.handover.body].join(' ').toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    $('#count').textContent = words.length || state.category
      ? `${kindLabel(state.kind)}：找到 ${shown.length} 项（共 ${ofKind.length} 项）`
      : `${kindLabel(state.kind)}：共 ${ofKind.length} 项`;
    const box = clear($('#list'));
    if (!shown.length) { box.append(h('p', { class: 'muted', text: '没有符合条件的事项。' })); return; }
    const groups = new Map();
    for (const it of shown) {
      const c = it.category || '未分类';
      if (!groups.has(c)) groups.set(c, []);
      groups.get(c).push(it);
    }
    for (const [c, its] of groups) {
      box.append(h('h2', { class: 'group' }, c, ' ', h('span', { class: 'muted', text: `${its.length} 项` })),
        h('ul', { class: 'rows' }, its.map((it) => h('li', null,
          h('a', { href: '#/item/' + encodeURIComponent(it.ref), 'data-ref': it.ref },
            h('span', { class: 'ref', text: it.ref }),
            h('span', null, it.name || '', meta(it) ? h('span', { class: 'meta', text: meta(it) }) : null))))));
    }
  }

  function meta(it) {
    if (it.kind === 'cooperative') return list(it.leads).length ? '牵头：' + list(it.leads).join('、') : '';
    if (it.kind === 'reclaimed' && it.handover !== undefined) return responsible(it); // listings may omit it
    return '';
  }

  // ---- item page ----
  async function showItem(ref) {
    const box = clear($('#item'));
    box.append(h('p', { class: 'muted', text: '正在加载…' }));
    let it = state.itemCache[ref.toUpperCase()];
    if (!it) {
      try {
        const q = state.township ? '?township=' + encodeURIComponent(state.township) : '';
        let d = await api('api/items/' + encodeURIComponent(ref) + q);
        if (d && d.item && !d.ref) d = d.item;
        it = Object.assign({}, d, { kind: (d && d.kind) || kindOfRef(ref) });
        state.itemCache[ref.toUpperCase()] = it;
      } catch (e) {
        clear(box).append(backLink(kindOfRef(ref)),
          h('p', { class: 'notice error', role: 'alert', text: e.status === 404 ? `没有编号为 ${ref} 的事项。` : '事项加载失败。' + e.message }));
        return;
      }
    }
    const kind = it.kind;
    const town = it.township || state.township || '乡镇';
    const title = h('h2', { tabindex: '-1', text: it.name || it.ref });
    const facts = [['负责', responsible(it, town)]];
    if (list(it.leads).length) facts.push([kind === 'cooperative' ? '牵头单位' : '相关单位', list(it.leads).join('、')]);
    if (kind === 'reclaimed') facts.push(['承接单位', (it.handover && it.handover.body) || '无（不再开展此项工作）']);
    if (it.category) facts.push(['类别', it.category]);
    const lead = list(it.leads).length === 1 ? it.leads[0] : '牵头部门';
    const card = h('article', { class: 'card item', 'data-ref': it.ref },
      h('div', { class: 'item-head' },
        h('span', { class: 'ref', text: it.ref }),
        h('span', { class: 'badge kind-' + kind, text: kindLabel(kind) }),
      ),
      title,
      facts.length ? h('dl', null, facts.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])) : null,
      steps(town + '的职责', it.township_steps),
      steps(lead + '的职责', it.lead_steps),
      kind === 'reclaimed' || it.handover ? h('section', null, h('h3', { text: '收回后怎么办' }),
        h('p', { text: (it.handover && it.handover.how) || (it.handover && it.handover.body ? '由' + it.handover.body + '办理。' : '不再开展此项工作。') })) : null,
      h('p', null, h('button', { type: 'button', class: 'ghost', onclick: () => { location.hash = '#/ask'; send(it.ref); } }, '在问答里看群众收到的回复')));
    clear(box).append(backLink(kind), card);
    title.focus();
  }

  function backLink(kind) {
    return h('a', { class: 'back', href: '#/browse/' + (kind || state.kind) }, '← 返回' + kindLabel(kind || state.kind));
  }

  // steps renders step groups (with their headings) as ordered lists.
  function steps(title, groups) {
    groups = list(groups);
    if (groups.length && typeof groups[0] === 'string') groups = [{ heading: '', steps: groups }];
    groups = groups.filter((g) => g && list(g.steps).length);
    if (!groups.length) return null;
    return h('section', null, h('h3', { text: title }), groups.map((g) => [
      g.heading ? h('h4', { text: g.heading }) : null,
      h('ol', null, list(g.steps).map((st) => h('li', { text: st }))),
    ]));
  }

  // ========== 报告 ==========
  const token = $('#token');
  const since = $('#since');
  token.value = load('dutybot.token') || '';
  $('#token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    save('dutybot.token', token.value.trim() || null);
    loadReport();
  });
  $('#forget').addEventListener('click', () => {
    save('dutybot.token', null);
    token.value = '';
    clear($('#report'));
    note('令牌已清除。', '');
    token.focus();
  });

  since.addEventListener('change', () => { if (load('dutybot.token')) loadReport(); });

  function note(text, cls) {
    const el = clear($('#report-msg'));
    if (text) el.append(h('p', { class: 'notice ' + (cls || ''), text }));
  }

  async function loadReport() {
    const t = load('dutybot.token');
    if (!t) { note('请输入管理令牌（服务器的 DUTYBOT_ADMIN_TOKEN）后查看报告。', ''); clear($('#report')); return; }
    note('正在加载报告…', '');
    try {
      const r = await api('api/admin/report?since=' + encodeURIComponent(since.value), { headers: { Authorization: 'Bearer ' + t } });
      note('', '');
      renderReport(r || {});
    } catch (e) {
      clear($('#report'));
      if (e.status === 404) note('管理接口未开启：服务器没有配置管理令牌（DUTYBOT_ADMIN_TOKEN），或者这个版本没有报告功能。', 'warn');
      else if (e.status === 401 || e.status === 403) note('令牌不对，或已经失效。请检查后重新输入。', 'error');
      else note('报告加载失败。' + e.message, 'error');
    }
  }

  // renderReport shows the report of GET api/admin/report (qlog.Report).
  function renderReport(r) {
    const days = byDay(r.by_day);
    const unanswered = days.some((d) => d.unanswered != null)
      ? days.reduce((n, d) => n + num(d.unanswered), 0)
      : list(r.unanswered).reduce((n, u) => n + num(u && u.count), 0);
    const box = clear($('#report'));
    const section = (title, cls, ...body) => h('section', { class: 'card ' + (cls || '') }, h('h2', { text: title }), body);
    box.append(h('div', { class: 'report' },
      section('概况', '', h('dl', { class: 'stats' },
        stat('提问', r.questions, 'questions'),
        stat('没找到答案', unanswered, 'unanswered'),
        stat('标为没用', list(r.not_useful).reduce((n, u) => n + (num(u && u.count) || 1), 0), 'not_useful')),
        h('p', { class: 'muted small', text: days.length ? `${days[0].day} 至 ${days[days.length - 1].day}` : '这段时间没有提问。' })),
      section('每天的提问', '', days.length ? chart(days) : h('p', { class: 'muted', text: '暂无数据。' })),
      section('没有找到答案的问题', 'wide', h('p', { class: 'muted small', text: '相近的问法合在一起。可以据此补充同义词或事项。' }),
        table(['问题', '次数'], list(r.unanswered), (u) => [
          h('td', null, (u && (u.question || u.text)) || String(u),
            list(u && u.variants).length ? h('div', { class: 'muted small', text: '相近的问法：' + list(u.variants).join('；') }) : null),
          h('td', { class: 'num', text: String(num(u && u.count)) }),
        ], '没有未找到答案的问题。')),
      section('标为“没用”的回答', 'wide', table(['回答的事项', '群众的问题', '次数'], list(r.not_useful), (n) => {
        if (!n || typeof n !== 'object') return [h('td'), h('td', { text: String(n) }), h('td')];
        const refs = list(n.refs);
        const names = list(n.names);
        const qs = list(n.questions).length ? list(n.questions) : n.question ? [n.question] : [];
        return [
          h('td', null, refs.map((x, i) => h('div', null, itemLink(x), ' ', names[i] || nameOf(x)))),
          h('td', null, qs.map((q) => h('div', { text: q })),
            list(n.reasons).length ? h('div', { class: 'muted small', text: '原因：' + list(n.reasons).join('；') }) : null),
          h('td', { class: 'num', text: String(num(n.count) || 1) }),
        ];
      }, '还没有“没用”的反馈。')),
      section('问得最多的事项', 'wide', table(['事项', '名称', '次数'], list(r.top_items), (t) => [
        h('td', null, itemLink(t.ref)), h('td', { text: t.name || nameOf(t.ref) }), h('td', { class: 'num', text: String(num(t.count)) }),
      ], '暂无数据。'))));
  }

  function stat(label, n, key) {
    return h('div', null, h('dt', { text: label }), h('dd', { class: 'stat', 'data-stat': key, text: String(num(n)) }));
  }

  function table(heads, rows, cells, empty) {
    if (!rows.length) return h('p', { class: 'muted', text: empty });
    return h('table', { class: 'tbl' },
      h('thead', null, h('tr', null, heads.map((x) => h('th', { scope: 'col', class: x === '次数' ? 'num' : null, text: x })))),
      h('tbody', null, rows.map((row) => h('tr', null, cells(row)))));
  }

  // byDay sums the rows per day and channel ({day, channel, questions,
  // unanswered}) into one row per day, with the days without questions.
  function byDay(raw) {
    const sums = new Map();
    for (const e of list(raw)) {
      if (!e || typeof e !== 'object' || !(e.day || e.date)) continue;
      const day = String(e.day || e.date);
      const d = sums.get(day) || { day, count: 0 };
      d.count += num(e.questions != null ? e.questions : e.count);
      if (e.unanswered != null) d.unanswered = num(d.unanswered) + num(e.unanswered);
      sums.set(day, d);
    }
    const days = Array.from(sums.values()).sort((a, b) => (a.day < b.day ? -1 : 1));
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    if (days.length < 2 || !days.every((d) => iso.test(d.day))) return days;
    const out = [];
    const end = Date.parse(days[days.length - 1].day + 'T00:00:00Z');
    for (let t = Date.parse(days[0].day + 'T00:00:00Z'), i = 0; t <= end && out.length < 400; t += 86400000) {
      const day = new Date(t).toISOString().slice(0, 10);
      out.push(days[i] && days[i].day === day ? days[i++] : { day, count: 0, unanswered: 0 });
    }
    return out;
  }

  // chart draws questions per day as an inline SVG bar chart; the part of
  // each bar the list could not answer is drawn in amber.
  function chart(days) {
    const W = 560, H = 170, top = 16, bottom = 22, left = 4;
    const max = Math.max(...days.map((d) => d.count), 1);
    const step = (W - left * 2) / days.length;
    const bw = Math.max(2, Math.min(32, step * 0.7));
    const every = Math.ceil(days.length / 8);
    const y = (n) => Math.round(((H - top - bottom) * n) / max);
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
      'aria-label': '每天的提问数：' + days.map((d) => `${d.day} ${d.count} 个`).join('，') });
    svg.append(s('line', { x1: 0, x2: W, y1: H - bottom + 0.5, y2: H - bottom + 0.5, stroke: '#e3e5e8' }));
    days.forEach((d, i) => {
      const bh = y(d.count);
      const uh = Math.min(bh, y(num(d.unanswered)));
      const x = left + i * step + (step - bw) / 2;
      const tip = `${d.day}：${d.count} 个问题` + (d.unanswered != null ? `，${num(d.unanswered)} 个没找到答案` : '');
      const g = s('g', { 'data-day': d.day }, s('title', null, tip),
        s('rect', { class: 'b', x: x.toFixed(1), y: H - bottom - bh, width: bw.toFixed(1), height: bh }));
      if (uh > 0) g.append(s('rect', { class: 'u', x: x.toFixed(1), y: H - bottom - bh, width: bw.toFixed(1), height: uh }));
      svg.append(g);
      if (days.length <= 14 && d.count) svg.append(s('text', { x: (x + bw / 2).toFixed(1), y: H - bottom - bh - 4, 'text-anchor': 'middle' }, String(d.count)));
      if (i % every === 0 || i === days.length - 1) {
        svg.append(s('text', { x: (x + bw / 2).toFixed(1), y: H - 6, 'text-anchor': 'middle' }, d.day.slice(5) || d.day));
      }
    });
    const legend = h('p', { class: 'legend small muted' }, h('span', { class: 'key b' }), '有答案 ', h('span', { class: 'key u' }), '没找到答案');
    return [svg, days.some((d) => num(d.unanswered) > 0) ? legend : null];
  }

  // ========== routing ==========
  const views = { ask: $('#view-ask'), browse: $('#view-browse'), item: $('#view-item'), report: $('#view-report') };
  let reportShown = false;

  function route() {
    const parts = location.hash.replace(/^#\/?/, '').split('/');
    let view = parts[0] || 'ask';
    const arg = decodeURIComponent(parts[1] || '');
    if (!views[view] || (view === 'item' && !arg)) view = 'ask';
    for (const [k, el] of Object.entries(views)) el.hidden = k !== view;
    const navView = view === 'item' ? 'browse' : view;
    document.querySelectorAll('.nav a').forEach((a) => {
      if (a.dataset.view === navView) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    document.title = { ask: '问答', browse: '浏览清单', item: arg, report: '报告' }[view] + ' · 履职事项助手';
    if (view === 'browse') showBrowse(arg);
    else if (view === 'item') showItem(arg);
    else if (view === 'report' && !reportShown) { reportShown = true; if (load('dutybot.token')) loadReport(); else note('请输入管理令牌（服务器的 DUTYBOT_ADMIN_TOKEN）后查看报告。', ''); }
  }

  window.addEventListener('hashchange', route);
  intro();
  route();
  // Learn the township's name for the header, quietly.
  loadItems().catch(() => {});
  // /?q=QUESTION opens the page with that question asked (of the township
  // &t= names, when several are served).
  const q0 = new URLSearchParams(location.search).get('q');
  if (q0 && q0.trim()) {
    if (location.hash && !location.hash.startsWith('#/ask')) location.hash = '#/ask';
    send(q0);
  } else if (views.ask.hidden === false) {
    input.focus();
  }
})();
