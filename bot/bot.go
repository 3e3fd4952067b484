package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// ErrNoTownship is returned by Answer when the question names a township that
// is not loaded.
var ErrNoTownship = errors.New("bot: no such township")

// Thresholds are the named settings of the decision between answering,
// offering a choice and abstaining. Scores are compared as fractions of the
// question's own maximum possible score (Ranking.Max), so the same settings
// hold for a two-word question and a long one.
type Thresholds struct {
	// Abstain: below this fraction of Max the best item is not good enough
	// and the bot says the list has nothing.
	Abstain float64
	// Confident: at or above this fraction of Max the best item is answered
	// even when others are close, unless they are nearly tied with it.
	Confident float64
	// Close: an item scoring at least this fraction of the best score is a
	// rival; rivals turn an answer into a numbered choice.
	Close float64
	// Tie: when the best is Confident, only rivals within this fraction of
	// its score still make a choice.
	Tie float64
	// MaxChoices is how many items a numbered choice offers at most.
	MaxChoices int
	// Unlisted: a matter no list covers (Ranking.OutOfScope) is the answer
	// when it scores at least this multiple of the best item's score and
	// that item is below Clear.
	Unlisted float64
	// Clear: an item at or above this fraction of Max is a clear match,
	// which a matter no list covers never hides.
	Clear float64
	// Yield: an item no longer done is no clear match when a matter no
	// list covers scores at least this fraction of it: the question is
	// about that matter (离婚怎么办 is about a divorce suit, not the marital
	// status certificate no longer issued).
	Yield float64
}

// DefaultThresholds are calibrated on the development questions
// (testdata/dev.tsv) and the sets written apart from them (testdata/): with
// the knowledge bank's examples in the scores, Abstain 0.30 keeps the
// questions about unlisted matters out without refusing the long messages
// whose matter is clear; it stays above nlp's discount of a weak hit (0.2
// of its fields' score: a hit resting on one word its steps mention once is
// never answered on that alone, see TestIncidentalStepWord). Close and Tie
// at 0.75 and 0.90 turn a few confident wrong answers into numbered choices
// (with the right item first) at the cost of a few right answers; Clear 0.7
// and Unlisted 1.0 let an unlisted matter win only over an item that is no
// clear match. The eval tests in cmd/dutybot/app hold the figures.
var DefaultThresholds = Thresholds{
	Abstain:    0.30,
	Confident:  0.55,
	Close:      0.75,
	Tie:        0.90,
	MaxChoices: 3,
	Unlisted:   1.0,
	Clear:      0.70,
	Yield:      0.5,
}

// Options configure a Bot. The zero value of each field picks a default.
type Options struct {
	Thresholds Thresholds
	Sessions   SessionStore  // default: NewMemorySessions(10000)
	SessionTTL time.Duration // default 30 minutes
	Recorder   Recorder      // default: nothing is recorded
	Limiter    Limiter       // default: no limit
	Hotline    string        // default Contacts.Hotlines.Government, else 12345
	// Contacts are the places and numbers answers name; nil: none, and
	// answers say what the lists say.
	Contacts *Contacts
	Now      func() time.Time
}

// catalog is what a reload replaces as a whole.
type catalog struct {
	lib     *Library
	rankers map[string]Ranker // by township name
}

// Bot answers questions about the loaded duty lists. It is safe for
// concurrent use.
type Bot struct {
	opts     Options
	hotlines Hotlines // Contacts' with the defaults, Government the Hotline
	cat      atomic.Pointer[catalog]
}

// New returns a Bot over lib, with one Ranker per township (keyed by the
// township's Name). It fails when lib is empty or a township has no ranker.
func New(lib *Library, rankers map[string]Ranker, opts Options) (*Bot, error) {
	if opts.Thresholds == (Thresholds{}) {
		opts.Thresholds = DefaultThresholds
	}
	if opts.Thresholds.Unlisted <= 0 {
		opts.Thresholds.Unlisted = DefaultThresholds.Unlisted
	}
	if opts.Thresholds.Clear <= 0 {
		opts.Thresholds.Clear = DefaultThresholds.Clear
	}
	if opts.Thresholds.Yield <= 0 {
		opts.Thresholds.Yield = DefaultThresholds.Yield
	}
	if opts.Thresholds.MaxChoices < 2 {
		opts.Thresholds.MaxChoices = 3
	}
	if opts.Sessions == nil {
		opts.Sessions = NewMemorySessions(10000)
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 30 * time.Minute
	}
	var hot Hotlines
	if opts.Contacts != nil {
		hot = opts.Contacts.Hotlines
	}
	if opts.Hotline == "" {
		opts.Hotline = hot.withDefaults().Government
	}
	hot.Government = opts.Hotline
	if opts.Now == nil {
		opts.Now = time.Now
	}
	b := &Bot{opts: opts, hotlines: hot.withDefaults()}
	if err := b.Swap(lib, rankers); err != nil {
		return nil, err
	}
	return b, nil
}

// Swap replaces the library and rankers atomically: questions already being
// answered finish on the old set, later ones see the new one.
func (b *Bot) Swap(lib *Library, rankers map[string]Ranker) error {
	if lib == nil || len(lib.Townships) == 0 {
		return errors.New("bot: no township loaded")
	}
	for _, t := range lib.Townships {
		if rankers[t.Name] == nil {
			return fmt.Errorf("bot: no ranker for township %s", t.Name)
		}
	}
	for _, t := range lib.Townships {
		t.index()
	}
	if lib.Bodies == nil {
		lib.Bodies = &Directory{}
	}
	b.cat.Store(&catalog{lib: lib, rankers: rankers})
	return nil
}

// Library returns the library now being served.
func (b *Bot) Library() *Library { return b.cat.Load().lib }

// Thresholds returns the decision settings in force.
func (b *Bot) Thresholds() Thresholds { return b.opts.Thresholds }

// Answer answers one question; its personal numbers are masked (Mask) and
// its @-mentions (a group chat's) cut out first. Conversation commands (a
// numbered pick, 详情/更多, 帮助, 分类, 有用/没用), small talk and requests
// for a person are handled first, using the user's session; anything else
// goes to the township's ranker. A question that names another township is
// answered from it; the user's township changes only when a message asks to
// switch (names a township alone). It returns
// ErrNoTownship for an unknown township and ctx's error when ctx is done
// before the answer is ready. A store failure is not an error: the bot
// answers as if the user had no session.
func (b *Bot) Answer(ctx context.Context, q Question) (*Answer, error) {
	start := b.opts.Now()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q.Text = Mask(strings.TrimSpace(stripMentions(q.Text)))
	cat := b.cat.Load()
	key := sessionKey(q)
	sess, _, _ := b.opts.Sessions.Get(ctx, key)
	name := q.Township
	switchOnly, visit := false, false
	if name == "" {
		name = sess.Township
		// One bot for several townships: a message that names one alone
		// switches to it; a question that names one is answered from it,
		// and so are the picks and 详情 that follow it.
		if mt, rest := cat.lib.Mentioned(q.Text); mt != nil {
			name, switchOnly = mt.Name, rest == ""
			visit = !switchOnly && mt != cat.lib.Township(sess.Township)
		} else if sess.Visit != "" && followUp(q.Text) {
			name, visit = sess.Visit, true
		}
	}
	t := cat.lib.Township(name)
	if t == nil {
		if q.Township != "" {
			return nil, fmt.Errorf("%w: %s", ErrNoTownship, q.Township)
		}
		t = cat.lib.Townships[0]
	}
	switch {
	case visit:
		if sess.Visit != t.Name {
			sess = Session{Township: sess.Township, Visit: t.Name}
		}
	case sess.Township != t.Name || sess.Visit != "":
		sess = Session{Township: t.Name}
	}
	if b.opts.Limiter != nil && q.User != "" {
		if ok, err := b.opts.Limiter.Allow(ctx, string(q.Channel)+":"+q.User); err == nil && !ok {
			return &Answer{Decision: DecideLimited, Township: t, Text: "您提问太频繁了，请稍等一分钟再问。", Latency: b.opts.Now().Sub(start)}, nil
		}
	}

	c := conv{b: b, cat: cat, t: t, q: q, sess: sess}
	var a *Answer
	if switchOnly {
		a = &Answer{Decision: DecideHelp, Text: render(q.Format, "好的，已切换到"+t.Name+"。请直接提问，例如：办残疾证找谁。")}
	} else {
		a = c.respond(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.Township = t
	a.Latency = b.opts.Now().Sub(start)
	_ = b.opts.Sessions.Put(ctx, key, c.sess, b.opts.SessionTTL)
	if b.opts.Recorder != nil && a.Decision != DecideFeedback {
		rec := Record{Time: start, Township: t.Name, Channel: q.Channel, User: q.User, MessageID: q.MessageID,
			Text: q.Text, Decision: a.Decision, Latency: a.Latency}
		for _, ref := range a.Refs() {
			rec.Refs = append(rec.Refs, ref)
			rec.Scores = append(rec.Scores, scoreOf(a.Candidates, ref))
		}
		b.opts.Recorder.RecordQuestion(rec)
	}
	return a, nil
}

// Feedback records a verdict on the last answer a user got, as the WeCom
// bot's 👍/👎 event does. It returns false when the user has no recent answer.
func (b *Bot) Feedback(ctx context.Context, q Question, useful bool, reason string) bool {
	sess, ok, _ := b.opts.Sessions.Get(ctx, sessionKey(q))
	if !ok || len(sess.Last) == 0 {
		return false
	}
	b.recordFeedback(q, sess, useful, reason)
	return true
}

func (b *Bot) recordFeedback(q Question, sess Session, useful bool, reason string) {
	if b.opts.Recorder == nil {
		return
	}
	b.opts.Recorder.RecordFeedback(Feedback{Time: b.opts.Now(), Township: sess.Township, Channel: q.Channel,
		User: q.User, MessageID: sess.MsgID, Question: sess.Question, Refs: sess.Last, Useful: useful, Reason: reason})
}

// Welcome is the greeting for a new follower or a new chat, in format f:
// what the bot is and how to ask.
func (b *Bot) Welcome(f Format) string {
	lib := b.cat.Load().lib
	return render(f, helpText(lib, lib.Townships[0], b.opts.Contacts, b.hotlines, true))
}

func sessionKey(q Question) string { return string(q.Channel) + ":" + q.User }

func scoreOf(cs []Candidate, ref string) float64 {
	for _, c := range cs {
		if c.Ref == ref {
			return c.Score
		}
	}
	return 0
}

// conv is one question being answered.
type conv struct {
	b    *Bot
	cat  *catalog
	t    *Township
	q    Question
	sess Session
	// picked is set when the question is a numbered pick: the answer then
	// belongs to the question that offered the choice.
	picked bool
}

func (c *conv) respond(ctx context.Context) *Answer {
	text := strings.TrimSpace(c.q.Text)
	cmd := command(text)
	switch {
	case cmd == "help":
		return &Answer{Decision: DecideHelp, Text: render(c.q.Format, helpText(c.cat.lib, c.t, c.b.opts.Contacts, c.b.hotlines, false))}
	case cmd == "more":
		return c.more()
	case cmd == "useful" || cmd == "useless":
		if len(c.sess.Last) == 0 {
			return &Answer{Decision: DecideFeedback, Text: "还没有可以评价的回答。请先提问，例如：办残疾证找谁。"}
		}
		c.b.recordFeedback(c.q, c.sess, cmd == "useful", "")
		if cmd == "useful" {
			return &Answer{Decision: DecideFeedback, Text: "谢谢您的评价！"}
		}
		return &Answer{Decision: DecideFeedback, Text: "谢谢反馈，我们会改进这个回答。" + c.helpLine()}
	case cmd == "categories":
		return c.categories()
	}
	if n, ok := pick(text); ok && len(c.sess.Categories) > 0 {
		if n >= 1 && n <= len(c.sess.Categories) {
			return c.categoryItems(c.sess.Categories[n-1])
		}
		return &Answer{Decision: DecideCategories, Text: fmt.Sprintf("请回复 1 到 %d 之间的分类序号，或直接提问。", len(c.sess.Categories))}
	}
	if n, ok := pick(text); ok && len(c.sess.Choices) > 0 {
		if n >= 1 && n <= len(c.sess.Choices) {
			if it := c.t.Item(c.sess.Choices[n-1]); it != nil {
				c.sess.Choices = nil
				c.picked = true
				return c.answerItems(DecideAnswer, []*Item{it}, nil, nil)
			}
		}
		return &Answer{Decision: DecideChoice, Text: fmt.Sprintf("请回复 1 到 %d 之间的序号，或直接重新提问。", len(c.sess.Choices))}
	}
	if _, ok := pick(text); ok || isNumber(text) {
		// A number with no choice to pick from (it expired, or was
		// never offered) is not a question.
		return &Answer{Decision: DecideHelp, Text: render(c.q.Format, "现在没有待选择的事项。请直接用一句话提问，例如：办残疾证找谁。回复“帮助”查看用法。")}
	}
	es := Emergencies(text)
	if len(es) == 0 {
		return c.question(ctx, text)
	}
	// The numbers to call come first, within the channel's limit.
	line := render(c.q.Format, emergencyLine(es, c.b.hotlines)+"\n")
	c.q.Format.Limit = c.q.Format.limit() - len(line)
	a := c.question(ctx, text)
	a.Emergencies, a.Text = es, line+a.Text
	return a
}

// question answers a message that is no conversation command.
func (c *conv) question(ctx context.Context, text string) *Answer {
	if kind := SmallTalk(text); kind != "" {
		return &Answer{Decision: DecideSmallTalk, Text: render(c.q.Format, smallTalkReply(kind, c.t))}
	}
	if AsksForPerson(text) {
		return &Answer{Decision: DecideContact, Text: render(c.q.Format, personReply(c.t, c.b.opts.Contacts, c.b.hotlines))}
	}
	if it := c.t.Item(text); it != nil && looksLikeRef(text) {
		return c.answerItems(DecideAnswer, []*Item{it}, nil, nil)
	}
	if cat := c.category(text); cat != "" {
		return c.categoryItems(cat)
	}
	if body := c.bodyQuestion(text); body != nil {
		return c.bodyItems(body)
	}
	return c.match(ctx, text)
}

// guide is what the conversation's answers say beyond the list.
func (c *conv) guide() guide { return guide{c.b.opts.Contacts, c.cat.lib.Bodies} }

// helpLine ends a reply that found nothing to do: the hotline, and the
// township's service centre when it is configured.
func (c *conv) helpLine() string {
	line := "如需帮助，请拨打 " + c.b.hotlines.Government + " 政务服务便民热线"
	if tc := c.b.opts.Contacts.Town(c.t); tc != nil && tc.Center.Phone != "" {
		center := tc.Center
		if center.Name == "" {
			center.Name = "便民服务中心"
		}
		line += "，或联系" + center.String()
	}
	return line + "。"
}

// rankLimit is how many ranked items a question asks for: enough for a
// numbered choice (MaxChoices, 3 by default), the near items of a "none"
// and the staff's explain view; each more costs its explanation.
const rankLimit = 6

// match ranks the township's items and decides.
func (c *conv) match(ctx context.Context, text string) *Answer {
	r := c.rank(text)
	th := c.b.opts.Thresholds
	cands := make([]Candidate, 0, len(r.Hits))
	hits := make([]*Item, 0, len(r.Hits))
	for _, h := range r.Hits {
		it := c.t.Item(h.Ref)
		if it == nil {
			continue
		}
		hits = append(hits, it)
		cands = append(cands, Candidate{Ref: it.Ref, Name: it.Name, Score: h.Score, Matches: h.Matches})
	}
	c.sess.Choices = nil
	if u := r.OutOfScope; u != nil && (unlistedWins(u, cands, r.Max, th) || alarmYields(u, hits, cands, r.Max, th)) {
		a := c.unlisted(text, u)
		a.Candidates, a.Terms = cands, r.Terms
		return a
	}
	if len(hits) == 0 || r.Max <= 0 || cands[0].Score < th.Abstain*r.Max {
		a := c.none(text, hits)
		a.Candidates, a.Terms = cands, r.Terms
		return a
	}
	top := cands[0].Score
	rival := th.Close
	if top >= th.Confident*r.Max {
		rival = th.Tie
	}
	n := 1
	for n < len(cands) && n < th.MaxChoices && cands[n].Score >= rival*top {
		n++
	}
	if n == 1 && Alarming(hits[0]) && top < th.Clear*r.Max {
		// A wrong answer that alarms is worse than a choice.
		for n < len(cands) && n < th.MaxChoices && cands[n].Score >= th.Abstain*r.Max {
			n++
		}
		a := c.choice(hits[:n], cands, r.Terms)
		return a
	}
	var a *Answer
	if n == 1 {
		a = c.answerItems(DecideAnswer, hits[:1], cands, r.Terms)
	} else {
		a = c.choice(hits[:n], cands, r.Terms)
	}
	return a
}

// rank ranks the township's items for a question. A question that holds
// personal numbers is ranked without them, and without the words that
// introduce them ("我叫…身份证…低保怎么办" is about 低保) unless keeping the
// words matches better ("身份证…丢了怎么补" is about the ID card).
func (c *conv) rank(text string) Ranking {
	ranker := c.cat.rankers[c.t.Name]
	bare := withoutNumbers(text, true)
	r := ranker.Rank(bare, rankLimit)
	if labelled := withoutNumbers(text, false); labelled != bare {
		if r2 := ranker.Rank(labelled, rankLimit); strength(r2) > strength(r) {
			return r2
		}
	}
	return r
}

// strength is how well a ranking's best item or unlisted matter fits,
// as a fraction of its maximum.
func strength(r Ranking) float64 {
	if r.Max <= 0 {
		return 0
	}
	best := 0.0
	if len(r.Hits) > 0 {
		best = r.Hits[0].Score
	}
	if r.OutOfScope != nil {
		best = max(best, r.OutOfScope.Score)
	}
	return best / r.Max
}

// remember makes a the session's last answer, full its text (under title
// for a listing), and shows its first page.
func (c *conv) remember(a *Answer, title, full string) {
	c.rememberAnswer(a, title)
	a.Text, c.sess.Shown, a.More = page(c.q.Format, full, 0)
}

// rememberAnswer makes a the session's last answer, nothing of it shown
// yet.
func (c *conv) rememberAnswer(a *Answer, title string) {
	c.sess.Last = a.Refs()
	c.sess.Title = title
	if !c.picked { // a pick answers the question that offered the choice
		c.sess.Question = c.q.Text
		c.sess.MsgID = c.q.MessageID
	}
	c.sess.Shown = 0
}

func (c *conv) answerItems(d Decision, items []*Item, cands []Candidate, terms []string) *Answer {
	a := &Answer{Decision: d, Items: items, Candidates: cands, Terms: terms}
	// On a phone a long answer starts with its gist; 详情 then shows it all
	// (rendered again then: the brief answer needs only the session).
	if len(items) == 1 && !c.q.Format.Full {
		if brief, cut := itemBrief(c.t, items[0], c.q.Format, c.guide()); cut && len(brief)+len(moreFooter)+1 <= c.q.Format.limit() {
			c.rememberAnswer(a, "")
			a.Text, a.More = render(c.q.Format, brief+"\n"+moreFooter), true
			return a
		}
	}
	var sb strings.Builder
	for i, it := range items {
		if i > 0 {
			sb.WriteString("\n")
		}
		sb.WriteString(itemText(c.t, it, c.q.Format, c.guide()))
	}
	if len(items) == 1 && items[0].NoLongerDone() {
		// Nobody does it any more: say where to ask instead.
		sb.WriteString("\n" + strings.Replace(c.helpLine(), "如需帮助", "如有疑问", 1))
	}
	c.remember(a, "", sb.String())
	return a
}

func (c *conv) choice(items []*Item, cands []Candidate, terms []string) *Answer {
	a := &Answer{Decision: DecideChoice, Choices: items, Candidates: cands, Terms: terms}
	var sb strings.Builder
	if c.q.Format.Buttons {
		sb.WriteString("您问的可能是以下事项之一，请点选：\n")
	} else {
		sb.WriteString("您问的可能是以下事项之一，请回复序号：\n")
		for i, it := range items {
			fmt.Fprintf(&sb, "%d. %s（%s）\n", i+1, clip(it.Name, 40), responsibleShort(c.t, it))
		}
	}
	sb.WriteString("都不是？请换个说法再问。")
	c.sess.Choices, c.sess.Categories = nil, nil
	for _, it := range items {
		c.sess.Choices = append(c.sess.Choices, it.Ref)
	}
	c.sess.Last = nil
	c.sess.Question, c.sess.MsgID = c.q.Text, c.q.MessageID
	a.Text = render(c.q.Format, sb.String())
	return a
}

// unlistedWins reports whether the question is about the matter no list
// covers, u, rather than about the items: u is above the abstain line and
// ahead of the best item by th.Unlisted, and the best item is not
// confident. A clear match of an item is never hidden.
func unlistedWins(u *OutOfScope, cands []Candidate, max float64, th Thresholds) bool {
	if max <= 0 || u.Score < th.Abstain*max {
		return false
	}
	if len(cands) == 0 {
		return true
	}
	top := cands[0].Score
	return top < th.Clear*max && u.Score >= th.Unlisted*top
}

// alarmYields reports whether the best item is one no longer done and a
// matter no list covers, u, is above the abstain line and scores at least
// th.Yield of it: "no longer done" is the most alarming answer, and the
// question is then rather about u (离婚怎么办 is about a divorce, not the
// certificate no longer issued). Items about sanctions or recovered money
// do not yield: they need a clear match (see decide), and a complaint that
// names the wrongdoing is about them far more often than about an
// unlisted matter.
func alarmYields(u *OutOfScope, hits []*Item, cands []Candidate, max float64, th Thresholds) bool {
	if len(hits) == 0 || max <= 0 || u.Score < th.Abstain*max || !hits[0].NoLongerDone() {
		return false
	}
	return u.Score >= th.Yield*cands[0].Score
}

// unlisted says that the list has nothing for the question, and who usually
// handles such a matter.
func (c *conv) unlisted(text string, u *OutOfScope) *Answer {
	a := &Answer{Decision: DecideNone, Unlisted: u}
	var sb strings.Builder
	fmt.Fprintf(&sb, "抱歉，“%s”不属于%s的履职事项。\n", quote(c.q.Format, text, 30), c.t.Name)
	what := "这类事情"
	if u.Matter != u.Body {
		what = u.Matter + "这类事情"
	}
	fmt.Fprintf(&sb, "%s一般由%s办理，请向他们咨询。\n", what, u.Body)
	sb.WriteString(c.helpLine())
	c.sess.Last = nil
	a.Text = render(c.q.Format, sb.String())
	return a
}

func (c *conv) none(text string, near []*Item) *Answer {
	a := &Answer{Decision: DecideNone}
	var sb strings.Builder
	fmt.Fprintf(&sb, "抱歉，%s的履职事项清单里没有找到与“%s”对应的事项。\n", c.t.Name, quote(c.q.Format, text, 30))
	if len(near) > 0 {
		sb.WriteString("相近的事项有：\n")
		for i, it := range near {
			if i == 2 {
				break
			}
			fmt.Fprintf(&sb, "· %s %s\n", it.Ref, it.Name)
		}
		sb.WriteString("回复编号（如 " + near[0].Ref + "）可查看。\n")
	}
	sb.WriteString(c.helpLine())
	c.sess.Last = nil
	a.Text = render(c.q.Format, sb.String())
	return a
}

func (c *conv) more() *Answer {
	if len(c.sess.Last) == 0 {
		return &Answer{Decision: DecideMore, Text: "没有更多内容了。请直接提问，例如：办残疾证找谁。"}
	}
	var items []*Item
	for _, ref := range c.sess.Last {
		if it := c.t.Item(ref); it != nil {
			items = append(items, it)
		}
	}
	full := fullText(c.t, items, c.q.Format, c.sess, c.guide())
	a := &Answer{Decision: DecideMore, Items: items}
	if c.sess.Shown >= len(full) {
		a.Text = render(c.q.Format, "以上就是全部内容。还有其他问题请直接提问。")
		return a
	}
	a.Text, c.sess.Shown, a.More = page(c.q.Format, full, c.sess.Shown)
	return a
}

// fullText renders again what the session's last answer showed: a listing
// (under its title) or the items.
func fullText(t *Township, items []*Item, f Format, sess Session, g guide) string {
	var sb strings.Builder
	if sess.Title != "" {
		sb.WriteString(sess.Title)
		for _, it := range items {
			sb.WriteString("\n" + listLine(it))
		}
		return sb.String()
	}
	for i, it := range items {
		if i > 0 {
			sb.WriteString("\n")
		}
		sb.WriteString(itemText(t, it, f, g))
	}
	return sb.String()
}

func (c *conv) categories() *Answer {
	var sb strings.Builder
	sb.WriteString(c.t.Name + "履职事项的分类（回复序号或分类名称查看事项）：\n")
	ci := c.t.categories()
	for i, cat := range ci.list {
		fmt.Fprintf(&sb, "%d. %s（%d项）\n", i+1, cat, ci.count[i])
	}
	c.sess.Choices, c.sess.Categories = nil, ci.list
	return &Answer{Decision: DecideCategories, Text: render(c.q.Format, strings.TrimRight(sb.String(), "\n"))}
}

// category returns the category that text names exactly, if any.
func (c *conv) category(text string) string {
	text = strings.TrimSuffix(strings.TrimSuffix(text, "类"), "方面")
	if c.t.categories().set[text] {
		return text
	}
	return ""
}

func (c *conv) categoryItems(cat string) *Answer {
	var items []*Item
	for _, it := range c.t.Items {
		if it.Category == cat {
			items = append(items, it)
		}
	}
	a := &Answer{Decision: DecideCategories, Items: items}
	c.sess.Categories = nil
	c.list(a, fmt.Sprintf("“%s”类共%d项（回复编号查看详情）：", cat, len(items)))
	return a
}

// list renders a listing of a.Items and remembers it for 详情 paging.
func (c *conv) list(a *Answer, title string) {
	var sb strings.Builder
	sb.WriteString(title)
	for _, it := range a.Items {
		sb.WriteString("\n")
		sb.WriteString(listLine(it))
	}
	c.remember(a, title, sb.String())
}

func listLine(it *Item) string { return "· " + it.Ref + " " + clip(it.Name, 40) }

// bodyQuestion returns the body a question asks about ("人社局管哪些事",
// "残联负责什么"), or nil when the question is not about a body's remit.
func (c *conv) bodyQuestion(text string) *Body {
	asks := false
	for _, w := range []string{"管哪些", "管什么", "负责什么", "负责哪些", "哪些事", "什么事", "管啥", "干什么", "干啥", "职责"} {
		if strings.Contains(text, w) {
			asks = true
			break
		}
	}
	if !asks {
		return nil
	}
	var best *Body
	bestLen := 0
	for _, b := range c.cat.lib.Bodies.Bodies() {
		for i := -1; i < len(b.Aliases); i++ {
			n := b.Name
			if i >= 0 {
				n = b.Aliases[i]
			}
			if len(n) > bestLen && utf8.RuneCountInString(n) >= 2 && strings.Contains(text, n) {
				best, bestLen = b, len(n)
			}
		}
	}
	return best
}

func (c *conv) bodyItems(body *Body) *Answer {
	var items []*Item
	for _, it := range c.t.Items {
		if leads(it, body) {
			items = append(items, it)
		}
	}
	a := &Answer{Decision: DecideBody, Items: items}
	if len(items) == 0 {
		a.Text = render(c.q.Format, fmt.Sprintf("%s的清单里，没有由%s牵头或承接的事项。", c.t.Name, body.Name)+c.helpLine())
		return a
	}
	sort.SliceStable(items, func(i, j int) bool { return kindOrder(items[i].Kind) < kindOrder(items[j].Kind) })
	c.list(a, fmt.Sprintf("%s在%s牵头或承接的事项共%d项（回复编号查看详情）：", body.Name, c.t.Name, len(items)))
	return a
}

func leads(it *Item, body *Body) bool {
	names := append([]string{body.Name}, body.Aliases...)
	for _, l := range it.Leads {
		if contains(names, l) {
			return true
		}
	}
	return it.Handover != nil && contains(names, it.Handover.Body)
}

func kindOrder(k Kind) int {
	switch k {
	case Cooperative:
		return 0
	case Reclaimed:
		return 1
	}
	return 2
}

// command recognises conversation commands.
func command(text string) string {
	t := strings.ToLower(strings.Trim(text, " \t\r\n?？!！。.~～"))
	switch t {
	case "帮助", "菜单", "help", "使用说明", "怎么用", "":
		return "help"
	case "详情", "更多", "查看更多", "详细", "全文", "more":
		return "more"
	case "有用", "有帮助", "满意", "👍":
		return "useful"
	case "没用", "无用", "没有用", "不满意", "👎":
		return "useless"
	case "分类", "目录", "类别", "全部分类":
		return "categories"
	}
	if strings.Trim(text, " ") != "" && strings.Trim(text, "?？ ") == "" {
		return "help"
	}
	return ""
}

// pick reads a numbered choice: 1, ２, 第2个, 选3.
// isNumber reports whether text is only digits (ASCII or full-width).
func isNumber(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" {
		return false
	}
	for _, r := range t {
		if !(r >= '0' && r <= '9' || r >= '０' && r <= '９') {
			return false
		}
	}
	return true
}

func pick(text string) (int, bool) {
	t := strings.TrimSpace(text)
	for _, p := range []string{"第", "选", "选择"} {
		t = strings.TrimPrefix(t, p)
	}
	for _, s := range []string{"个", "项", "条", "类", "。", "."} {
		t = strings.TrimSuffix(t, s)
	}
	if isNumber(t) && len(t) <= 6 { // 12, １２: a category's number
		n := 0
		for _, r := range t {
			n = 10*n + digit(r)
		}
		return n, true
	}
	switch t {
	case "1", "１", "一":
		return 1, true
	case "2", "２", "二":
		return 2, true
	case "3", "３", "三":
		return 3, true
	case "4", "４", "四":
		return 4, true
	case "5", "５", "五":
		return 5, true
	}
	return 0, false
}

// followUp reports whether a message continues the last answer: a pick,
// 详情, 有用/没用.
func followUp(text string) bool {
	if _, ok := pick(text); ok {
		return true
	}
	switch command(text) {
	case "more", "useful", "useless":
		return true
	}
	return false
}

// alarmingWords name the items whose answer would alarm a person who
// asked about something else: sanctions, and money taken back.
var alarmingWords = []string{"处罚", "罚款", "没收", "吊销", "追回", "追缴", "清退", "冒领", "停发", "惩戒", "处分"}

// Alarming reports whether an item would alarm a person if it were the
// wrong answer: a sanction, a recovery of money, or work no longer done.
// The bot answers such an item only on a clear match (Thresholds.Clear);
// otherwise it offers a numbered choice.
func Alarming(it *Item) bool {
	if it.NoLongerDone() {
		return true
	}
	for _, w := range alarmingWords {
		if strings.Contains(it.Name, w) {
			return true
		}
	}
	return false
}

func looksLikeRef(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) < 2 || !strings.ContainsRune("BCR", rune(s[0])) {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
