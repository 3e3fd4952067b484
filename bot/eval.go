package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Case is one evaluation question with the refs that count as right
// (empty: the right decision is none).
type Case struct {
	Question string
	Expected []string
	Kind     string
	Line     int
}

// ReadCases reads an evaluation TSV: a header row, the question in column 1,
// the expected refs in column 2 (separated by |, or NONE), further columns
// ignored except one named kind. Errors name the line.
func ReadCases(name string, r io.Reader) ([]Case, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var out []Case
	kindCol := -1
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
			for i, h := range strings.Split(text, "\t") {
				if strings.EqualFold(strings.TrimSpace(h), "kind") {
					kindCol = i
				}
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("%s:%d: want a question and the expected refs separated by a tab", name, line)
		}
		c := Case{Question: strings.TrimSpace(cols[0]), Line: line}
		if kindCol >= 0 && kindCol < len(cols) {
			c.Kind = strings.TrimSpace(cols[kindCol])
		}
		exp := strings.TrimSpace(cols[1])
		if !strings.EqualFold(exp, "NONE") {
			for _, ref := range strings.Split(exp, "|") {
				ref = strings.ToUpper(strings.TrimSpace(ref))
				if !looksLikeRef(ref) {
					return nil, fmt.Errorf("%s:%d: expected ref %q is not like B12, C16 or R1 (or NONE)", name, line, ref)
				}
				c.Expected = append(c.Expected, ref)
			}
		}
		if c.Question == "" {
			return nil, fmt.Errorf("%s:%d: empty question", name, line)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// Miss is an evaluation case the bot got wrong at top-1.
type Miss struct {
	Question string   `json:"question"`
	Expected []string `json:"expected"`
	Got      []string `json:"got"`
	Decision Decision `json:"decision"`
}

// KindScore is the evaluation of the cases of one kind.
type KindScore struct {
	N    int     `json:"n"`
	Top1 float64 `json:"top1"`
	Top3 float64 `json:"top3"`
}

// Evaluation is what dutybot eval prints. Rates are fractions in [0,1]. A
// NONE case counts as right (at top-1 and top-3) when the answer offers no
// item (Decision.NoItem).
type Evaluation struct {
	N           int     `json:"n"`
	Top1        float64 `json:"top1"`
	Top3        float64 `json:"top3"`
	MRR         float64 `json:"mrr"`
	NoneN       int     `json:"none_n"`
	NoneCorrect int     `json:"none_correct"`
	AnsweredN   int     `json:"answered_n"`
	FalseNone   int     `json:"false_none"`
	// AnswerableTop1 and AnswerableTop3 are Top1 and Top3 over the
	// answerable cases alone.
	AnswerableTop1 float64              `json:"answerable_top1"`
	AnswerableTop3 float64              `json:"answerable_top3"`
	ByKind         map[string]KindScore `json:"by_kind"`
	Misses         []Miss               `json:"misses"`
}

// Evaluate asks every case as a fresh user and scores the answers. A case's
// returned refs are the answered item or the offered choices, in order,
// followed by the rest of the ranking (for top-3 and MRR).
func Evaluate(ctx context.Context, b *Bot, township string, cases []Case) (*Evaluation, error) {
	ev := &Evaluation{ByKind: map[string]KindScore{}, Misses: []Miss{}}
	type acc struct{ n, t1, t3 int }
	kinds := map[string]*acc{}
	var rr float64
	for i, c := range cases {
		a, err := b.Answer(ctx, Question{Channel: CLI, User: fmt.Sprintf("eval-%d", i), Text: c.Question, Township: township})
		if err != nil {
			return nil, err
		}
		got := a.Refs()
		none := a.Decision.NoItem()
		if none {
			got = nil
		}
		ranked := append([]string(nil), got...)
		if !none {
			for _, cd := range a.Candidates {
				if !contains(ranked, cd.Ref) {
					ranked = append(ranked, cd.Ref)
				}
			}
		}
		var t1, t3 bool
		if len(c.Expected) == 0 {
			ev.NoneN++
			t1 = none
			t3 = t1
			if t1 {
				ev.NoneCorrect++
				rr++
			}
		} else {
			ev.AnsweredN++
			if none {
				ev.FalseNone++
			}
			for rank, ref := range ranked {
				if contains(c.Expected, ref) {
					t1 = rank == 0
					t3 = rank < 3
					rr += 1 / float64(rank+1)
					break
				}
			}
		}
		if len(c.Expected) > 0 {
			ev.AnswerableTop1 += b2f(t1)
			ev.AnswerableTop3 += b2f(t3)
		}
		k := kinds[c.Kind]
		if k == nil {
			k = &acc{}
			kinds[c.Kind] = k
		}
		k.n++
		ev.N++
		if t1 {
			k.t1++
			ev.Top1++
		} else {
			if got == nil {
				got = []string{}
			}
			exp := c.Expected
			if len(exp) == 0 {
				exp = []string{"NONE"}
			}
			if none {
				got = []string{"NONE"}
			}
			ev.Misses = append(ev.Misses, Miss{Question: c.Question, Expected: exp, Got: got, Decision: a.Decision})
		}
		if t3 {
			k.t3++
			ev.Top3++
		}
	}
	if ev.AnsweredN > 0 {
		ev.AnswerableTop1 /= float64(ev.AnsweredN)
		ev.AnswerableTop3 /= float64(ev.AnsweredN)
	}
	if ev.N > 0 {
		ev.Top1 /= float64(ev.N)
		ev.Top3 /= float64(ev.N)
		ev.MRR = rr / float64(ev.N)
	}
	for name, k := range kinds {
		if name == "" {
			continue
		}
		ev.ByKind[name] = KindScore{N: k.n, Top1: float64(k.t1) / float64(k.n), Top3: float64(k.t3) / float64(k.n)}
	}
	return ev, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// NoneRate is the fraction of NONE cases answered none (1 when there are none).
func (ev *Evaluation) NoneRate() float64 {
	if ev.NoneN == 0 {
		return 1
	}
	return float64(ev.NoneCorrect) / float64(ev.NoneN)
}

// WriteText prints the evaluation for people: the figures, the per-kind
// breakdown and every miss.
func (ev *Evaluation) WriteText(w io.Writer) {
	fmt.Fprintf(w, "questions: %d (answerable %d, NONE %d)\n", ev.N, ev.AnsweredN, ev.NoneN)
	fmt.Fprintf(w, "top-1: %.3f\ntop-3: %.3f\nmrr: %.3f\n", ev.Top1, ev.Top3, ev.MRR)
	fmt.Fprintf(w, "answerable top-1: %.3f\nanswerable top-3: %.3f\n", ev.AnswerableTop1, ev.AnswerableTop3)
	fmt.Fprintf(w, "none handled: %d/%d (%.3f)\nfalse none: %d\n", ev.NoneCorrect, ev.NoneN, ev.NoneRate(), ev.FalseNone)
	if len(ev.ByKind) > 0 {
		names := make([]string, 0, len(ev.ByKind))
		for k := range ev.ByKind {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Fprintln(w, "by kind:")
		for _, k := range names {
			s := ev.ByKind[k]
			fmt.Fprintf(w, "  %-12s n=%-3d top-1 %.3f  top-3 %.3f\n", k, s.N, s.Top1, s.Top3)
		}
	}
	if len(ev.Misses) > 0 {
		fmt.Fprintf(w, "misses (%d):\n", len(ev.Misses))
		for _, m := range ev.Misses {
			fmt.Fprintf(w, "  %s\texpected %s\tgot %s (%s)\n", m.Question, strings.Join(m.Expected, "|"), strings.Join(m.Got, ","), m.Decision)
		}
	}
}
