package bot

import "time"

// Channel is where a question came from; it decides how a reply is rendered.
type Channel string

// The channels dutybot serves.
const (
	WeChat Channel = "wechat" // official account (公众号): plain text ≤ 2000 bytes
	WeCom  Channel = "wecom"  // WeCom intelligent bot in group chats: markdown ≤ 20480 bytes
	API    Channel = "api"    // local JSON API and web console: structure and text
	CLI    Channel = "cli"    // dutybot ask
)

// Question is one message from a person, already decoded by a channel adapter.
type Question struct {
	Channel   Channel
	User      string // the channel's user id (OpenID, WeCom userid, API user); may be empty
	Text      string
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
)

// Matched reports whether d is one of the matcher's decisions (answer, choice
// or none), as opposed to a conversation command.
func (d Decision) Matched() bool {
	return d == DecideAnswer || d == DecideChoice || d == DecideNone
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
	Text       string      // the reply rendered for the question's channel
	More       bool        // Text ends with an invitation to reply 详情 for the rest
	Latency    time.Duration
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
