package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"dutybot/bot"
	"dutybot/cmd/dutybot/app"
)

// newFlags returns a flag set that reports errors to stderr and does not exit.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: dutybot %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// loadBot builds a bot over the documents named by DUTYBOT_DOCUMENTS and
// DUTYBOT_SYNONYMS, or the embedded defaults, with the contacts of the
// configuration ($DUTYBOT_CONFIG, DUTYBOT_CONTACTS), as the server answers.
func loadBot(opts bot.Options) (*bot.Bot, error) {
	cfg, err := LoadConfig("", os.LookupEnv)
	if err != nil {
		return nil, err
	}
	opts.Contacts = cfg.Contacts.Bot()
	var docs []string
	if d := os.Getenv("DUTYBOT_DOCUMENTS"); d != "" {
		for _, p := range strings.Split(d, ",") {
			if p = strings.TrimSpace(p); p != "" {
				docs = append(docs, p)
			}
		}
	}
	b, _, err := app.NewBot(opts, os.Getenv("DUTYBOT_SYNONYMS"), docs...)
	return b, err
}

type askJSON struct {
	Decision   bot.Decision    `json:"decision"`
	Refs       []string        `json:"refs"`
	Reply      string          `json:"reply"`
	Candidates []bot.Candidate `json:"candidates"`
}

// runAsk is dutybot ask: one question, the reply as a WeChat user sees it.
func runAsk(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("ask", "[-json] [-explain] [-township NAME] QUESTION", stderr)
	asJSON := fs.Bool("json", false, "print the decision, refs, reply and candidates as JSON")
	explain := fs.Bool("explain", false, "add the ranked candidates with scores and matched terms per field")
	township := fs.String("township", "", "the township to ask (default: the first loaded)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		fs.Usage()
		return 2
	}
	b, err := loadBot(bot.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "dutybot ask:", err)
		return 1
	}
	a, err := b.Answer(ctx, bot.Question{Channel: bot.CLI, User: "cli", Text: q, Township: *township})
	if err != nil {
		if errors.Is(err, bot.ErrNoTownship) {
			fmt.Fprintf(stderr, "dutybot ask: -township: %v\n", err)
			return 2
		}
		fmt.Fprintln(stderr, "dutybot ask:", err)
		return 1
	}
	if *asJSON {
		out := askJSON{Decision: a.Decision, Refs: a.Refs(), Reply: a.Text, Candidates: a.Candidates}
		if out.Refs == nil {
			out.Refs = []string{}
		}
		if out.Candidates == nil {
			out.Candidates = []bot.Candidate{}
		}
		if !*explain {
			for i := range out.Candidates {
				out.Candidates[i].Matches = nil
			}
		}
		if err := writeJSON(stdout, out); err != nil {
			fmt.Fprintln(stderr, "dutybot ask:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintln(stdout, a.Text)
	if *explain {
		writeExplain(stdout, a, b.Thresholds())
	}
	return 0
}

// writeExplain prints the ranking behind a decision.
func writeExplain(w io.Writer, a *bot.Answer, th bot.Thresholds) {
	fmt.Fprintf(w, "\n--- explain (decision %s) ---\n", a.Decision)
	fmt.Fprintf(w, "terms: %s\n", strings.Join(a.Terms, " "))
	fmt.Fprintf(w, "thresholds: abstain %.2f, confident %.2f, close %.2f, tie %.2f of the question's maximum\n",
		th.Abstain, th.Confident, th.Close, th.Tie)
	for i, c := range a.Candidates {
		fmt.Fprintf(w, "%2d. %-5s %7.3f  %s\n", i+1, c.Ref, c.Score, c.Name)
		for _, m := range c.Matches {
			fmt.Fprintf(w, "      %-16s %-15s +%.3f\n", m.Term, m.Field, m.Score)
		}
	}
}
