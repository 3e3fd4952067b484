package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"dutybot/bot"
)

// runEval is dutybot eval: answer quality on a TSV of questions.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("eval", "[-json] [-township NAME] FILE.tsv", stderr)
	asJSON := fs.Bool("json", false, "print the figures and misses as JSON")
	township := fs.String("township", "", "the township to ask (default: the first loaded)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "dutybot eval:", err)
		return 1
	}
	cases, err := bot.ReadCases(fs.Arg(0), f)
	f.Close()
	if err != nil {
		fmt.Fprintln(stderr, "dutybot eval:", err)
		return 1
	}
	b, err := loadBot(bot.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "dutybot eval:", err)
		return 1
	}
	ev, err := bot.Evaluate(ctx, b, *township, cases)
	if err != nil {
		fmt.Fprintln(stderr, "dutybot eval:", err)
		return 1
	}
	if *asJSON {
		if err := writeJSON(stdout, ev); err != nil {
			fmt.Fprintln(stderr, "dutybot eval:", err)
			return 1
		}
		return 0
	}
	ev.WriteText(stdout)
	return 0
}
