package bot

import "time"

// Channel names where a question came from, in the question log, the
// metrics and the session and rate-limit keys. How a reply looks is the
// question's Format, which the channel's adapter declares.
type Channel string

// The channels dutybot serves.
const (
	WeChat Channel = "wechat" // official account (公众号)
	WeCom  Channel = "wecom"  // WeCom intelligent bot in group chats
	API    Channel = "api"    // local JSON API and web console
	CLI    Channel = "cli"    // dutybot ask
)

// PlainLimit is the reply size limit of the zero Format, in bytes of
// UTF-8: WeChat cuts text replies at 2048, and 2000 leaves room.
const PlainLimit = 2000

// Format is what a channel can show; the bot renders every reply by it.
// The zero Format is plain text within PlainLimit, a single item answered
// first in brief (a phone screen), as the official account, the API and
// the command line show it.
type Format struct {
	// Markdown: **bold** shows, and a paragraph ends at a blank line.
	Markdown bool
	// Limit is the most bytes of UTF-8 a reply may take; 0 is PlainLimit.
	// A longer answer is paged, the rest shown on 详情.
	Limit int
	// Full: there is room for a whole item at once, so a single item is
	// not answered in brief first.
	Full bool
	// Buttons: the channel shows a numbered choice (Answer.Choices) as
	// buttons that send back the choice's number, so the reply's text
	// does not list them.
	Buttons bool
}

// limit returns f's reply size limit.
func (f Format) limit() int {
	if f.Limit > 0 {
		return f.Limit
	}
	return PlainLimit
}

// Question is one message from a person, already decoded by a channel adapter.
type Question struct {
	Channel   Channel
	Format    Format // how the channel shows the reply
	User      string // the channel's user id (OpenID, WeCom userid, API user); may be empty
	Text      string // as the person wrote it; the bot masks personal numbers (Mask) first
	MessageID string // the channel's message id, for the question log; may be empty
	Township  string // township name; empty means the default (first loaded) township
}

// Decision is what the bot did with a question.
type Decision string

// Decisions. The first three are the matcher's; the others are conversation
// commands and limits.
const (
	DecideAnswer     Decision = "answer"     // one item, clearly ahead
	DecideChoice     Decision = "choice"     // a numbered choice of 2–3 close items
	DecideNone       Decision = "none"       // the list has nothing that fits
	DecideBody       Decision = "body"       // the items a body leads
	DecideHelp       Decision = "help"       // help, greeting, menu
	DecideCategories Decision = "categories" // the list of categories, or one category's items
	DecideMore       Decision = "more"       // 详情: the rest of the last answer
	DecideFeedback   Decision = "feedback"   // 有用/没用 recorded
	DecideLimited    Decision = "limited"    // rate limit reached
	DecideSmallTalk  Decision = "smalltalk"  // a greeting, thanks, "ok": a short polite reply
	DecideContact    Decision = "contact"    // 转人工, a phone number asked for: whom to call
)

// Matched reports whether d is one of the matcher's decisions (answer, choice
// or none), as opposed to a conversation command.
func (d Decision) Matched() bool {
	return d == DecideAnswer || d == DecideChoice || d == DecideNone
}

// NoItem reports whether d answers a question with no item: none (the
// list has nothing), small talk, or whom to call.
func (d Decision) NoItem() bool {
	return d == DecideNone || d == DecideSmallTalk || d == DecideContact
}

// Candidate is a ranked item with its score and why it matched.
type Candidate struct {
	Ref     string  `json:"ref"`
	Name    string  `json:"name"`
	Score   float64 `json:"score"`
	Matches []Match `json:"matches,omitempty"`
}

// Answer is the bot's reply to a Question.
type Answer struct {
	Decision   Decision
	Township   *Township
	Items      []*Item     // the items answered or listed
	Choices    []*Item     // the numbered choice offered (DecideChoice)
	Candidates []Candidate // the ranking behind a matcher decision, best first
	Unlisted   *OutOfScope // DecideNone: the matter no list covers that the question is about, if known
	Terms      []string    // the question's analysed terms
	// Emergencies are the dangers the question tells of; the reply then
	// starts with the numbers to call.
	Emergencies []Emergency
	Text        string // the reply rendered for the question's channel
	More        bool   // Text ends with an invitation to reply 详情 for the rest
	Latency     time.Duration
}

// Refs returns the refs the answer is about: the answered items, or the
// offered choices.
func (a *Answer) Refs() []string {
	var out []string
	for _, it := range a.Items {
		out = append(out, it.Ref)
	}
	for _, it := range a.Choices {
		out = append(out, it.Ref)
	}
	return out
}
