package qlog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"dutybot/bot"
)

// Report is what staff read to improve the bot: how many questions came in,
// by day and channel; the most asked items; the questions the list could
// not answer, grouped by similarity; the answers people marked 没用.
type Report struct {
	Questions  int             `json:"questions"`
	ByDay      []DayCount      `json:"by_day"`
	TopItems   []ItemCount     `json:"top_items"`
	Unanswered []QuestionGroup `json:"unanswered"`
	NotUseful  []NotUseful     `json:"not_useful"`
}

// DayCount is the questions of one day on one channel.
type DayCount struct {
	Day        string `json:"day"` // 2006-01-02, in the report's time zone
	Channel    string `json:"channel"`
	Questions  int    `json:"questions"`
	Unanswered int    `json:"unanswered"`
}

// ItemCount is an item and how many questions it answered.
type ItemCount struct {
	Ref      string `json:"ref"`
	Name     string `json:"name"`
	Count    int    `json:"count"`
	Township string `json:"township,omitempty"`
}

// NotUseful is an answer marked 没用 (or 👎): the items it gave, how many
// times, and the questions it answered.
type NotUseful struct {
	Refs      []string `json:"refs"`
	Names     []string `json:"names"`
	Count     int      `json:"count"`
	Questions []string `json:"questions"`         // distinct, most recent first, at most 5
	Reasons   []string `json:"reasons,omitempty"` // WeCom 👎 reasons, distinct, at most 5
	Township  string   `json:"township,omitempty"`
}

// ReportOptions select what a report covers. Zero values pick defaults.
type ReportOptions struct {
	Since, Until time.Time      // default: the last 7 days, until now
	Location     *time.Location // of the days; default time.Local
	Top          int            // most asked items listed; default 20
	Unanswered   int            // question groups listed; default 50
	NotUseful    int            // answers listed; default 50
}

// Reporter makes reports; *Store is one.
type Reporter interface {
	Report(ctx context.Context, opts ReportOptions) (*Report, error)
}

var _ Reporter = (*Store)(nil)

func (o *ReportOptions) defaults() {
	if o.Until.IsZero() {
		o.Until = time.Now()
	}
	if o.Since.IsZero() {
		o.Since = o.Until.Add(-7 * 24 * time.Hour)
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Top <= 0 {
		o.Top = 20
	}
	if o.Unanswered <= 0 {
		o.Unanswered = 50
	}
	if o.NotUseful <= 0 {
		o.NotUseful = 50
	}
}

// Report reads the log from opts.Since to opts.Until, both included (to the
// millisecond). Every list is empty, never null, when there is nothing to
// show.
func (s *Store) Report(ctx context.Context, opts ReportOptions) (*Report, error) {
	opts.defaults()
	// Times are kept to the millisecond: a question of Until's own
	// millisecond (one asked just before a report "until now") is in.
	from, to := opts.Since.UnixMilli(), opts.Until.UnixMilli()+1
	rep := &Report{ByDay: []DayCount{}, TopItems: []ItemCount{}, Unanswered: []QuestionGroup{}, NotUseful: []NotUseful{}}

	if err := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT COUNT(*) FROM questions WHERE ts >= ? AND ts < ?`), from, to).Scan(&rep.Questions); err != nil {
		return nil, fmt.Errorf("count questions: %w", err)
	}

	// Days by integer arithmetic on unix milliseconds, which both engines
	// share; the zone's offset is taken at Since (the townships' zones have
	// no daylight saving).
	_, offset := opts.Since.In(opts.Location).Zone()
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT (ts + ?) / 86400000 AS day, channel, COUNT(*),
			SUM(CASE WHEN decision = 'none' THEN 1 ELSE 0 END)
		FROM questions WHERE ts >= ? AND ts < ? GROUP BY 1, 2 ORDER BY 1, 2`), int64(offset)*1000, from, to)
	if err != nil {
		return nil, fmt.Errorf("questions by day: %w", err)
	}
	for rows.Next() {
		var day int64
		var d DayCount
		if err := rows.Scan(&day, &d.Channel, &d.Questions, &d.Unanswered); err != nil {
			rows.Close()
			return nil, fmt.Errorf("questions by day: %w", err)
		}
		d.Day = time.UnixMilli(day * 86400000).UTC().Format(time.DateOnly)
		rep.ByDay = append(rep.ByDay, d)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("questions by day: %w", err)
	}

	// The items of clear answers: a numbered choice is not counted, the
	// pick that follows it is.
	rows, err = s.db.QueryContext(ctx, s.d.Rebind(`SELECT township, ref, MAX(name), COUNT(*) FROM questions
		WHERE ts >= ? AND ts < ? AND decision = 'answer' AND ref <> ''
		GROUP BY township, ref ORDER BY 4 DESC, 2 LIMIT ?`), from, to, opts.Top)
	if err != nil {
		return nil, fmt.Errorf("top items: %w", err)
	}
	for rows.Next() {
		var it ItemCount
		if err := rows.Scan(&it.Township, &it.Ref, &it.Name, &it.Count); err != nil {
			rows.Close()
			return nil, fmt.Errorf("top items: %w", err)
		}
		rep.TopItems = append(rep.TopItems, it)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("top items: %w", err)
	}

	rows, err = s.db.QueryContext(ctx, s.d.Rebind(`SELECT text, COUNT(*) FROM questions
		WHERE ts >= ? AND ts < ? AND decision = 'none' GROUP BY text ORDER BY 2 DESC, 1 LIMIT ?`), from, to, maxGroupInputs*2)
	if err != nil {
		return nil, fmt.Errorf("unanswered: %w", err)
	}
	var texts []TextCount
	for rows.Next() {
		var tc TextCount
		if err := rows.Scan(&tc.Text, &tc.Count); err != nil {
			rows.Close()
			return nil, fmt.Errorf("unanswered: %w", err)
		}
		tc.Text = bot.Mask(tc.Text) // rows logged before the bot masked questions
		texts = append(texts, tc)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("unanswered: %w", err)
	}
	groups := GroupSimilar(texts, SimilarThreshold)
	if len(groups) > opts.Unanswered {
		groups = groups[:opts.Unanswered]
	}
	rep.Unanswered = append(rep.Unanswered, groups...)

	nu, err := s.notUseful(ctx, from, to)
	if err != nil {
		return nil, err
	}
	if len(nu) > opts.NotUseful {
		nu = nu[:opts.NotUseful]
	}
	rep.NotUseful = append(rep.NotUseful, nu...)
	return rep, nil
}

// notUseful groups the 没用 feedback by the answer rated (its township and
// items).
func (s *Store) notUseful(ctx context.Context, from, to int64) ([]NotUseful, error) {
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT f.township, f.refs, f.names, f.reason, COALESCE(q.text, f.question)
		FROM feedback f LEFT JOIN questions q ON q.id = f.question_id
		WHERE f.ts >= ? AND f.ts < ? AND f.useful = 0 ORDER BY f.ts DESC, f.id DESC`), from, to)
	if err != nil {
		return nil, fmt.Errorf("not useful: %w", err)
	}
	byKey := map[string]*NotUseful{}
	var out []*NotUseful
	for rows.Next() {
		var township, refs, names, reason, question string
		if err := rows.Scan(&township, &refs, &names, &reason, &question); err != nil {
			rows.Close()
			return nil, fmt.Errorf("not useful: %w", err)
		}
		key := township + "\x00" + refs
		n := byKey[key]
		if n == nil {
			n = &NotUseful{Township: township, Refs: splitSpaces(refs), Names: splitLines(names), Questions: []string{}}
			byKey[key] = n
			out = append(out, n)
		}
		n.Count++
		question = bot.Mask(question)
		if question != "" && len(n.Questions) < 5 && !contains(n.Questions, question) {
			n.Questions = append(n.Questions, question)
		}
		if reason != "" && len(n.Reasons) < 5 && !contains(n.Reasons, reason) {
			n.Reasons = append(n.Reasons, reason)
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("not useful: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	res := make([]NotUseful, len(out))
	for i, n := range out {
		res[i] = *n
	}
	return res, nil
}

type rowsCloser interface {
	Err() error
	Close() error
}

func closeRows(r rowsCloser) error {
	err := r.Err()
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

func splitSpaces(s string) []string {
	f := strings.Fields(s)
	if f == nil {
		return []string{}
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
