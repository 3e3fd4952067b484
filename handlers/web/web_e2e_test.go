package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"dutybot/bot"
	"dutybot/cmd/dutybot/app"
	"dutybot/handlers"
	"dutybot/handlers/qlog"
	"dutybot/handlers/web"
)

// The end-to-end test drives Debian's headless Chromium against the real
// server: the gin engine of handlers.New over the bot with the embedded
// list, the console of this package, and a question log in SQLite behind
// the admin report.
//
// Environment:
//
//	CI                   set: a missing browser fails the test instead of skipping it
//	DUTYBOT_CHROMIUM     the browser to run (default /usr/bin/chromium, then chromium on $PATH)
//	DUTYBOT_E2E_SHOTS    a folder: save screenshots of every step there (phone and desktop)
//
// On a failure the page's screenshot is saved under testdata/failures/ and
// its path printed.

const adminToken = "e2e-admin-token-0123456789"

// disabilityCard is the question of the issue and the item it must bring.
const (
	disabilityQ    = "办残疾证找谁"
	disabilityRef  = "C16"
	disabilityName = "残疾人证办理"
	nonsenseQ      = "怎么申请火星签证"
)

func TestConsole(t *testing.T) {
	browser := newBrowser(t)
	old, _ := filepath.Glob(filepath.Join("testdata", "failures", "TestConsole-*.png"))
	for _, f := range old {
		os.Remove(f) // screenshots of an earlier run
	}
	srv := newServer(t)

	t.Run("Assets", func(t *testing.T) { testAssets(t, srv) })
	t.Run("Ask", func(t *testing.T) { testAsk(t, openPage(t, browser, 1280, 800), srv) })
	t.Run("Choice", func(t *testing.T) { testChoice(t, openPage(t, browser, 1280, 800), srv) })
	t.Run("Browse", func(t *testing.T) { testBrowse(t, openPage(t, browser, 1280, 800), srv) })
	t.Run("More", func(t *testing.T) { testMore(t, openPage(t, browser, 1280, 800), srv) })
	t.Run("SharedLink", func(t *testing.T) { testSharedLink(t, openPage(t, browser, 1280, 800), srv) })
	t.Run("Phone", func(t *testing.T) { testPhone(t, openPage(t, browser, 390, 844), srv) })
	t.Run("Report", func(t *testing.T) { testReport(t, openPage(t, browser, 1280, 800), srv) })
	t.Run("Townships", func(t *testing.T) {
		two := newServer(t, filepath.Join("..", "..", "seeds", "yining-kaerdun.txt"),
			filepath.Join("..", "..", "seeds", "testdata", "other", "gusu-pingjiang.md"))
		testTownships(t, openPage(t, browser, 1280, 800), two)
	})
}

// testTownships: with two townships, the header offers a selector; after
// choosing the second, questions and lists are that township's.
func testTownships(t *testing.T, p *page, srv *server) {
	lib := srv.bot.Library()
	if len(lib.Townships) != 2 {
		t.Fatalf("loaded %d townships, want 2", len(lib.Townships))
	}
	second := lib.Townships[1]
	p.do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	opts := p.waitText("the township selector", `[...document.querySelectorAll('#town-select option')].map(o => o.value).join(',')`)
	if opts != lib.Townships[0].Name+","+second.Name {
		p.fail("selector offers %q", opts)
	}
	p.do(chromedp.SetValue(chromedp.ID("town-select"), second.Name))
	p.eval(`document.getElementById('town-select').dispatchEvent(new Event('change')), ''`)
	const q = "老旧小区改造找谁"
	p.do(chromedp.SendKeys(chromedp.ID("q"), q+"\n"))
	reply := p.waitText("the answer bubble", lastBotBubble)
	if !strings.Contains(reply, "城镇老旧小区改造") || !strings.Contains(reply, second.Name) {
		p.fail("reply to %s after choosing %s = %q, want its item", q, second.Name, reply)
	}
	p.do(chromedp.Navigate(srv.URL + "/#/browse"))
	p.waitText("the second township's list", `document.querySelector('#list .rows a') ? 'ok' : ''`)
	names := p.eval(`document.getElementById('list').innerText`)
	if !strings.Contains(names, second.Items[0].Name) {
		p.fail("list after choosing %s lacks %q:\n%s", second.Name, second.Items[0].Name, names)
	}
	// The link that asks again carries the township; opened afresh (the
	// selector's choice forgotten), it asks that township.
	p.do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	p.waitText("the selector", `document.getElementById('town-select')?.value`)
	p.do(chromedp.SendKeys(chromedp.ID("q"), q+"\n"))
	share := p.waitText("the share link", `document.querySelector('a[title="打开即提问的链接"]')?.getAttribute('href')`)
	if want := "?q=" + url.QueryEscape(q) + "&t=" + url.QueryEscape(second.Name); share != want {
		p.fail("share link %q, want %q", share, want)
	}
	p.eval(`localStorage.clear(), sessionStorage.clear(), ''`)
	p.do(chromedp.Navigate(srv.URL + "/" + share))
	if got := p.waitText("the linked question's answer", lastBotBubble); !strings.Contains(got, "城镇老旧小区改造") || !strings.Contains(got, second.Name) {
		p.fail("the link %s answered %q, want %s's item", share, got, second.Name)
	}
	if sel := p.waitText("the selector", `document.getElementById('town-select')?.value`); sel != second.Name {
		p.fail("after the link the selector shows %q, want %s", sel, second.Name)
	}
	p.shot("townships")
}

// testAssets checks what the browser tests cannot see: headers, sizes and
// 404s of the static files.
func testAssets(t *testing.T, srv *server) {
	total := 0
	for _, path := range []string{"/", "/static/app.js", "/static/app.css"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		total += len(body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
			t.Errorf("GET %s = %d, ETag %q; want 200 with an ETag", path, resp.StatusCode, resp.Header.Get("ETag"))
		}
		if path == "/" && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET / has no Content-Security-Policy")
		}
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		resp2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag = %d, want 304", path, resp2.StatusCode)
		}
	}
	t.Logf("page weight: %.1f KB (HTML, CSS and JS, uncompressed)", float64(total)/1024)
	if total > 80<<10 {
		t.Errorf("page weight %d bytes, want a few tens of KB", total)
	}
	for _, path := range []string{"/static/nope.js", "/static/index.html", "/static/../web.go"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
}

// testAsk types a question, sends it with Enter, and checks the bubble and
// the staff view.
func testAsk(t *testing.T, p *page, srv *server) {
	p.do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	p.shot("ask-empty")
	// Keyboard: the field has focus on load and Tab goes to the send button.
	if id := p.eval(`document.activeElement && document.activeElement.id`); id != "q" {
		p.fail("focus on load is on %q, want the question field", id)
	}
	p.do(chromedp.SendKeys(chromedp.ID("q"), disabilityQ+"\n"))
	reply := p.waitText("the answer bubble", lastBotBubble)
	if !strings.Contains(reply, disabilityName) {
		p.fail("reply to %s = %q, want it to name %s", disabilityQ, reply, disabilityName)
	}
	if want := srv.reply(t, disabilityQ); reply != want {
		p.fail("bubble shows %q, want the API's reply exactly: %q", reply, want)
	}
	// The staff view: the decision, the item and the candidates with their
	// matched terms per field.
	p.waitText("the decision", `document.querySelector('#staff [data-decision]')?.dataset.decision`)
	row := p.waitText("the candidate row", fmt.Sprintf(`document.querySelector('#staff tr[data-ref=%q]')?.innerText`, disabilityRef))
	if !strings.Contains(row, disabilityName) || !regexp.MustCompile(`事项名称：.*残疾`).MatchString(row) {
		p.fail("candidate row %s = %q, want its name and the terms matched in the name", disabilityRef, row)
	}
	if n := p.eval(`String(document.querySelectorAll('#staff .cands tbody tr').length)`); n == "0" {
		p.fail("no candidates in the staff view")
	}
	p.shot("ask-answer")
	// The contacts, one click away.
	p.eval(`[...document.querySelectorAll('.examples button')].find(b => b.textContent === '联系方式').click(), ''`)
	p.waitText("the contacts", `(() => { const b = [...document.querySelectorAll('.msg.bot .bubble')].pop(); return b && b.textContent.includes('12345') ? 'ok' : '' })()`)
	if got, want := p.eval(lastBotBubble), srv.reply(t, "联系方式"); got != want {
		p.fail("联系方式 shows %q, want the API's reply %q", got, want)
	}
	// The user id is kept for the tab.
	if id := p.eval(`sessionStorage.getItem('dutybot.user') || ''`); !strings.HasPrefix(id, "web-") {
		p.fail("user id in sessionStorage = %q, want web-…", id)
	}
}

// testChoice asks a question that gets a numbered choice, clicks the first
// choice and expects that item's answer.
func testChoice(t *testing.T, p *page, srv *server) {
	q, choices := srv.choiceQuestion(t)
	p.do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), q), chromedp.Click(chromedp.ID("send")))
	p.waitText("the numbered choice", `document.querySelector('.msg.bot:last-child [data-pick="2"]')?.textContent`)
	p.shot("choice")
	p.do(chromedp.Click(chromedp.CSS(`.msg.bot:last-child [data-pick="2"]`)))
	p.waitText("the picked number", `[...document.querySelectorAll('.msg.me .bubble')].pop()?.textContent === '2' ? 'ok' : ''`)
	reply := p.waitText("the answer to the pick", `(() => { const b = [...document.querySelectorAll('.msg.bot .bubble')].pop();
		return b && !b.classList.contains('pending') && !b.querySelector('[data-pick]') ? b.textContent : '' })()`)
	if want := "【" + choices[1].Ref + "】"; !strings.HasPrefix(reply, want) {
		p.fail("reply to the pick 2 of %s = %q, want the answer %s", q, reply, want)
	}
	p.shot("choice-answer")
	// 详情 appears as a button when the reply has more to show.
	if strings.HasSuffix(reply, "回复 详情 查看更多") {
		if n := p.eval(`String(document.querySelectorAll('.msg.bot:last-child button.more').length)`); n != "1" {
			p.fail("reply ends with 详情 but there is no 详情 button")
		}
	}
}

// testMore asks for an item whose answer is longer than a page and clicks 详情.
func testMore(t *testing.T, p *page, srv *server) {
	ref := srv.longItem(t)
	p.do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), ref+"\n"))
	first := p.waitText("the first page", lastBotBubble)
	if !strings.HasSuffix(first, "回复 详情 查看更多") {
		p.fail("first page of %s = %q, want it to end with 回复 详情 查看更多", ref, first)
	}
	p.do(chromedp.Click(chromedp.CSS(`.msg.bot:last-child button.more`)))
	p.waitText("详情 sent", `[...document.querySelectorAll('.msg.me .bubble')].pop()?.textContent === '详情' ? 'ok' : ''`)
	rest := p.waitText("the next page", lastBotBubble)
	if rest == first || rest == "" {
		p.fail("详情 of %s = %q, want the rest of the answer", ref, rest)
	}
	if d := p.waitText("the decision", `document.querySelector('#staff [data-decision]')?.dataset.decision`); d != "more" {
		p.fail("decision after 详情 = %q, want more", d)
	}
	p.shot("more")
}

// testBrowse opens the cooperative list, filters it and opens an item page.
func testBrowse(t *testing.T, p *page, srv *server) {
	p.do(chromedp.Navigate(srv.URL + "/#/browse"))
	p.waitText("the lists", `document.querySelector('#list .rows a') ? 'ok' : ''`)
	tabs := p.eval(`[...document.querySelectorAll('#kinds [role=tab]')].map(t => t.firstChild.textContent).join(',')`)
	if tabs != "基本履职事项,配合履职事项,收回事项" {
		p.fail("tabs = %q", tabs)
	}
	p.do(chromedp.Click(chromedp.ID("tab-cooperative")))
	p.waitText("the cooperative tab", `document.querySelector('#tab-cooperative[aria-selected=true]') && location.hash === '#/browse/cooperative' ? 'ok' : ''`)
	p.do(chromedp.SendKeys(chromedp.ID("filter"), "残疾"))
	p.waitText("the filtered list", fmt.Sprintf(`document.querySelector('#list a[data-ref=%q]') && !document.querySelector('#list a[data-ref="C1"]') ? 'ok' : ''`, disabilityRef))
	p.shot("browse")
	p.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#list a[data-ref=%q]`, disabilityRef))))
	title := p.waitText("the item page", `document.querySelector('#view-item:not([hidden]) .item h2')?.textContent`)
	if title != disabilityName || p.eval(`location.hash`) != "#/item/"+disabilityRef {
		p.fail("item page %s: title %q, want %q", p.eval(`location.hash`), title, disabilityName)
	}
	page := p.eval(`document.querySelector('.item').innerText`)
	it := srv.item(t, disabilityRef)
	if len(it.TownshipSteps) == 0 || len(it.LeadSteps) == 0 {
		t.Fatalf("item %s has lost its steps: %+v", disabilityRef, it)
	}
	for _, want := range append(it.Leads, it.TownshipSteps[0].Steps[0], it.LeadSteps[0].Steps[0]) {
		if !strings.Contains(page, want) {
			p.fail("item page lacks %q:\n%s", want, page)
		}
	}
	p.shot("item")

	// A reclaimed item shows its handover.
	p.do(chromedp.Navigate(srv.URL + "/#/item/R2"))
	text := p.waitText("the reclaimed item", `document.querySelector('.item[data-ref="R2"]')?.innerText`)
	r2 := srv.item(t, "R2")
	if r2.Handover == nil || !strings.Contains(text, r2.Handover.Body) || !strings.Contains(text, "收回后怎么办") {
		p.fail("item R2 page lacks the handover %+v:\n%s", r2.Handover, text)
	}
	p.shot("item-reclaimed")
	// An unknown ref says so.
	p.do(chromedp.Navigate(srv.URL + "/#/item/C9999"))
	p.waitText("the unknown item", `document.querySelector('#item .notice.error')?.textContent`)
}

// testSharedLink opens /?q=… and expects the question asked.
func testSharedLink(t *testing.T, p *page, srv *server) {
	p.do(chromedp.Navigate(srv.URL + "/?q=" + url.QueryEscape(disabilityQ)))
	mine := p.waitText("the question from the link", `document.querySelector('.msg.me .bubble')?.textContent`)
	if mine != disabilityQ {
		p.fail("first question = %q, want %q", mine, disabilityQ)
	}
	reply := p.waitText("the answer", lastBotBubble)
	if !strings.Contains(reply, disabilityName) {
		p.fail("reply = %q, want %s", reply, disabilityName)
	}
}

// testPhone checks the phone layout: one column, nothing wider than the
// screen, the staff view under the chat.
func testPhone(t *testing.T, p *page, srv *server) {
	p.do(chromedp.Navigate(srv.URL + "/?q=" + url.QueryEscape(disabilityQ)))
	p.waitText("the answer", lastBotBubble)
	p.shot("phone-ask")
	layout := p.eval(`(() => {
		const chat = document.querySelector('.phone').getBoundingClientRect();
		const staff = document.querySelector('.staff').getBoundingClientRect();
		return [document.documentElement.scrollWidth, Math.round(chat.bottom), Math.round(staff.top)].join(',') })()`)
	var width, chatBottom, staffTop int
	fmt.Sscanf(layout, "%d,%d,%d", &width, &chatBottom, &staffTop)
	if width > 390 || staffTop < chatBottom {
		p.fail("phone layout: page width %d (want ≤ 390), staff view top %d (want below the chat, %d)", width, staffTop, chatBottom)
	}
	p.do(chromedp.Navigate(srv.URL + "/#/item/" + disabilityRef))
	p.waitText("the item page", `document.querySelector('.item h2')?.textContent`)
	if w := p.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
		p.fail("item page on a phone is %s px wide", w)
	}
	p.shot("phone-item")
}

// testReport asks an unanswerable question and marks an answer 没用, then
// reads the report: with the right token, a wrong one, and the API off.
func testReport(t *testing.T, p *page, srv *server) {
	p.do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), nonsenseQ+"\n"))
	p.waitText("the no-answer reply", lastBotBubble)
	p.do(chromedp.SendKeys(chromedp.ID("q"), "婚姻状况证明\n"))
	p.waitText("the answer", `document.querySelector('.msg.bot:last-child .actions button[aria-label="评价：没用"]') ? 'ok' : ''`)
	p.do(chromedp.Click(chromedp.CSS(`.msg.bot:last-child .actions button[aria-label="评价：没用"]`)))
	p.waitText("the feedback reply", `(() => { const b = [...document.querySelectorAll('.msg.bot .bubble')].pop(); return b && b.textContent.startsWith('谢谢反馈') ? 'ok' : '' })()`)

	// A wrong token.
	p.do(chromedp.Navigate(srv.URL+"/#/report"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "wrong-token"), chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)))
	msg := p.waitText("the wrong-token message", `document.querySelector('#report-msg .notice.error')?.textContent`)
	if !strings.Contains(msg, "令牌") {
		p.fail("wrong token message = %q", msg)
	}
	p.shot("report-wrong-token")

	// The right one, kept in sessionStorage.
	p.do(chromedp.SetValue(chromedp.ID("token"), adminToken), chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)))
	p.waitText("the report", `document.querySelector('#report [data-stat=questions]')?.textContent`)
	p.shot("report")
	if got := p.eval(`sessionStorage.getItem('dutybot.token')`); got != adminToken {
		p.fail("token in sessionStorage = %q", got)
	}
	report := p.eval(`document.querySelector('#report').innerText`)
	for _, want := range []string{nonsenseQ, "婚姻状况证明", "R1"} {
		if !strings.Contains(report, want) {
			p.fail("report lacks %q:\n%s", want, report)
		}
	}
	if bars := p.eval(`String(document.querySelectorAll('#report svg.chart rect.b').length)`); bars == "0" {
		p.fail("no bar in the questions-per-day chart")
	}

	// The token survives a reload; the admin API turned off says so.
	srv.adminOn.Store(false)
	defer srv.adminOn.Store(true)
	p.do(chromedp.Reload())
	msg = p.waitText("the admin-off message", `document.querySelector('#report-msg .notice.warn')?.textContent`)
	if !strings.Contains(msg, "未开启") {
		p.fail("admin-off message = %q", msg)
	}
}

// lastBotBubble is a JavaScript expression: the text of the last reply
// bubble once it has arrived, or "".
const lastBotBubble = `(() => { const b = [...document.querySelectorAll('.msg.bot .bubble')].pop();
	return b && !b.classList.contains('pending') ? b.textContent : '' })()`

// ---- the server ----

type server struct {
	*httptest.Server
	bot     *bot.Bot
	adminOn atomic.Bool
}

func newServer(t *testing.T, documents ...string) *server {
	t.Helper()
	gin.SetMode(gin.TestMode)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := qlog.Open(filepath.Join(t.TempDir(), "dutybot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var b *bot.Bot // set before the first question is recorded
	w := qlog.NewWriter(store, qlog.WriterOptions{Logger: quiet, Names: func(township, ref string) string {
		if t := b.Library().Township(township); t != nil {
			if it := t.Item(ref); it != nil {
				return it.Name
			}
		}
		return ""
	}})
	t.Cleanup(func() { w.Close() })
	b, _, err = app.NewBot(bot.Options{Recorder: w}, "", documents...)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{bot: b}
	s.adminOn.Store(true)
	e, err := handlers.New(handlers.Options{Bot: b, Logger: quiet, Extra: func(e *gin.Engine) {
		web.Register(e)
		// The admin report as dutybot serve mounts it (cmd/dutybot), over
		// the same question log.
		e.GET("/api/admin/report", func(c *gin.Context) {
			if !s.adminOn.Load() {
				c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
				return
			}
			if c.GetHeader("Authorization") != "Bearer "+adminToken {
				c.JSON(http.StatusUnauthorized, gin.H{"error": "unauthorized"})
				return
			}
			if err := w.Flush(c.Request.Context()); err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
				return
			}
			rep, err := store.Report(c.Request.Context(), qlog.ReportOptions{})
			if err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
				return
			}
			c.JSON(http.StatusOK, rep)
		})
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.Server = httptest.NewServer(e)
	t.Cleanup(s.Close)
	return s
}

// reply returns the bot's reply to a first question of a new user.
func (s *server) reply(t *testing.T, q string) string {
	t.Helper()
	a, err := s.bot.Answer(context.Background(), bot.Question{Channel: bot.API, User: "e2e-probe-" + q, Text: q})
	if err != nil {
		t.Fatal(err)
	}
	return a.Text
}

// choiceQuestion returns a question the bot answers with a numbered choice,
// so that the test does not break when the ranking is tuned.
func (s *server) choiceQuestion(t *testing.T) (string, []*bot.Item) {
	t.Helper()
	for _, q := range []string{"残疾", disabilityQ, "狗咬人", "医保", "补贴", "证明", "低保", "养老"} {
		a, err := s.bot.Answer(context.Background(), bot.Question{Channel: bot.API, User: "e2e-probe-choice", Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision == bot.DecideChoice && len(a.Choices) >= 2 {
			return q, a.Choices
		}
	}
	t.Fatal("none of the probe questions gets a numbered choice any more: add one to choiceQuestion")
	return "", nil
}

// longItem returns the ref of an item whose answer needs 详情.
func (s *server) longItem(t *testing.T) string {
	t.Helper()
	for _, it := range s.bot.Library().Townships[0].Items {
		a, err := s.bot.Answer(context.Background(), bot.Question{Channel: bot.API, User: "e2e-probe-more", Text: it.Ref})
		if err != nil {
			t.Fatal(err)
		}
		if a.More {
			return it.Ref
		}
	}
	t.Fatal("no item's answer is longer than a page any more: test 详情 another way")
	return ""
}

func (s *server) item(t *testing.T, ref string) *bot.Item {
	t.Helper()
	it := s.bot.Library().Townships[0].Item(ref)
	if it == nil {
		t.Fatalf("no item %s in the embedded list", ref)
	}
	return it
}

// ---- the browser ----

// newBrowser starts headless Chromium with an empty profile. It skips the
// test when there is no browser, unless CI is set.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("DUTYBOT_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
		if _, err := os.Stat(path); err != nil {
			if p, err := exec.LookPath("chromium"); err == nil {
				path = p
			}
		}
	}
	if _, err := exec.LookPath(path); err != nil {
		msg := fmt.Sprintf("no Chromium at %s (%v): install Debian's chromium (apt-get install -y chromium) or set DUTYBOT_CHROMIUM", path, err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first action starts the browser, which lives as long as the
	// context of that action: give it ctx itself, not a shorter one.
	if err := chromedp.Do(ctx); err != nil {
		if os.Getenv("CI") == "" && strings.Contains(err.Error(), "exec") {
			t.Skipf("cannot start Chromium at %s: %v", path, err)
		}
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return ctx
}

// page is one browser tab of a subtest, with the subtest's own session
// storage (so its own conversation).
type page struct {
	t    *testing.T
	ctx  context.Context
	mu   sync.Mutex
	errs []string // uncaught JavaScript exceptions
}

func openPage(t *testing.T, browser context.Context, width, height int64) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	p := &page{t: t, ctx: ctx}
	t.Cleanup(func() {
		p.mu.Lock()
		errs := p.errs
		p.mu.Unlock()
		if len(errs) > 0 {
			p.shot("failure")
			t.Errorf("JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
		}
		cancel()
	})
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			d := e.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			p.mu.Lock()
			p.errs = append(p.errs, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, text))
			p.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.EmulateViewport(width, height))
	return p
}

// do runs steps, failing the test with a screenshot on an error.
func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.fail("browser: %v", err)
	}
}

// eval returns the string value of a JavaScript expression.
func (p *page) eval(js string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
	if err != nil {
		p.fail("evaluate %s: %v", js, err)
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// waitText waits until the JavaScript expression js is a non-empty string
// and returns it.
func (p *page) waitText(what, js string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[string](js, chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		p.fail("waiting for %s: %v", what, err)
	}
	return v
}

// fail saves a screenshot and ends the test.
func (p *page) fail(format string, args ...any) {
	p.t.Helper()
	p.shot("failure")
	p.t.Fatalf(format, args...)
}

// shot saves a screenshot: always on a failure (under testdata/failures),
// and for every step when DUTYBOT_E2E_SHOTS names a folder.
func (p *page) shot(step string) {
	p.t.Helper()
	dir := os.Getenv("DUTYBOT_E2E_SHOTS")
	if step == "failure" {
		dir = filepath.Join("testdata", "failures")
	}
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", step, err)
		return
	}
	name := strings.NewReplacer("/", "-", " ", "_").Replace(p.t.Name()) + "-" + step + ".png"
	if err := os.MkdirAll(dir, 0o755); err == nil {
		err = os.WriteFile(filepath.Join(dir, name), buf, 0o644)
	}
	if err != nil {
		p.t.Logf("screenshot %s: %v", step, err)
		return
	}
	abs, _ := filepath.Abs(filepath.Join(dir, name))
	p.t.Logf("screenshot: %s", abs)
}
