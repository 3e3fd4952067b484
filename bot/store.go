package bot

import (
	"context"
	"time"
)

// Session is what the bot remembers of one user between messages. It is
// plain data so that a store can keep it anywhere (memory, Redis as JSON).
type Session struct {
	Township string `json:"township,omitempty"`
	// Visit is the township the last answer came from when the question
	// named another than Township: a pick or 详情 then refers to it.
	Visit      string   `json:"visit,omitempty"`
	Choices    []string `json:"choices,omitempty"`    // refs of the numbered choice last offered
	Categories []string `json:"categories,omitempty"` // the numbered categories last listed
	Last       []string `json:"last,omitempty"`       // refs of the last answer, for 详情 and feedback
	Shown      int      `json:"shown,omitempty"`      // how many bytes of the last answer's full text were shown
	Title      string   `json:"title,omitempty"`      // the heading of a listing (body, category), empty for items
	Question   string   `json:"question,omitempty"`
	MsgID      string   `json:"msg_id,omitempty"` // message id of the last matched question, for feedback
}

// SessionStore keeps sessions for a limited time. Get returns ok=false when
// there is none (or it expired). Implementations must be safe for concurrent
// use; the in-memory one is NewMemorySessions.
type SessionStore interface {
	Get(ctx context.Context, key string) (s Session, ok bool, err error)
	Put(ctx context.Context, key string, s Session, ttl time.Duration) error
}

// Limiter decides whether a user may ask another question now.
type Limiter interface {
	Allow(ctx context.Context, key string) (bool, error)
}

// Record is one question answered, for the question log.
type Record struct {
	Time      time.Time
	Township  string
	Channel   Channel
	User      string // the raw user id; a Recorder must hash it before storing
	MessageID string
	Text      string
	Decision  Decision
	Refs      []string
	Scores    []float64
	Latency   time.Duration
}

// Feedback is a person's verdict (有用/没用, or a WeCom 👍/👎) on an answer.
type Feedback struct {
	Time      time.Time
	Township  string
	Channel   Channel
	User      string
	MessageID string // the message id of the question answered, when known
	Question  string
	Refs      []string
	Useful    bool
	Reason    string
}

// Recorder receives what the question log stores. Calls must not block for
// long: a Recorder queues and writes in the background, and drops (and
// counts) what it cannot keep rather than slowing a reply.
type Recorder interface {
	RecordQuestion(Record)
	RecordFeedback(Feedback)
}
