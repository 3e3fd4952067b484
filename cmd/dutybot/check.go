package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"dutybot/bot"
	"dutybot/cmd/dutybot/app"
	"dutybot/seeds"
)

// checkReport is the output of dutybot check -json.
type checkReport struct {
	Townships []checkTownship `json:"townships"`
	Problems  []seeds.Problem `json:"problems"`
	// Knowledge are the knowledge bank's doubtful rows: examples naming an
	// item no loaded list has, examples under two items.
	Knowledge []string `json:"knowledge"`
}

// checkTownship counts one township's items by list.
type checkTownship struct {
	Township    string `json:"township"`
	City        string `json:"city"`
	File        string `json:"file"`
	Basic       int    `json:"basic"`
	Cooperative int    `json:"cooperative"`
	Reclaimed   int    `json:"reclaimed"`
	// WithExamples is how many items the knowledge bank has examples for,
	// Examples how many examples those are.
	WithExamples int `json:"with_examples"`
	Examples     int `json:"examples"`
}

// maxKnowledgeShown is how many doubtful rows of the knowledge bank check
// prints as text.
const maxKnowledgeShown = 20

// runCheck is dutybot check [-json] [FILE…]: it parses the documents (the
// embedded one when none is given) and prints, per township, how many items
// each list has, then every problem found as file:line: message. It returns
// 0 when there is no problem, 1 when there is any (or a document cannot be
// read), 2 on a usage error.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the counts and problems as JSON")
	var src app.Sources
	fs.StringVar(&src.Knowledge, "knowledge", os.Getenv("DUTYBOT_KNOWLEDGE"), "the knowledge bank (default: the embedded one)")
	fs.StringVar(&src.OutOfScope, "out-of-scope", os.Getenv("DUTYBOT_OUT_OF_SCOPE"), "the out-of-scope bank (default: the embedded one)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dutybot check [-json] [-knowledge FILE] [-out-of-scope FILE] [FILE…]")
		fmt.Fprintln(stderr, "Parses duty lists (.txt, .md, .csv, .xlsx, .docx files or folders; the embedded list when none) and the knowledge banks, and lists their problems.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	lib, problems, err := seeds.Load(fs.Args()...)
	k, kerr := app.LoadKnowledge(src)
	rep := checkReport{Townships: []checkTownship{}, Problems: problems, Knowledge: []string{}}
	if rep.Problems == nil {
		rep.Problems = []seeds.Problem{}
	}
	if lib != nil {
		for _, t := range lib.Townships {
			cov := k.ForTownship(t)
			n := 0
			for _, ex := range cov.Examples {
				n += len(ex)
			}
			rep.Townships = append(rep.Townships, checkTownship{
				Township:     t.Name,
				City:         t.City,
				File:         t.File,
				Basic:        t.Count(bot.Basic),
				Cooperative:  t.Count(bot.Cooperative),
				Reclaimed:    t.Count(bot.Reclaimed),
				WithExamples: cov.Items,
				Examples:     n,
			})
		}
		for _, p := range k.Check(lib) {
			rep.Knowledge = append(rep.Knowledge, p.String())
		}
	}
	if *asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "dutybot check: %v\n", err)
			return 1
		}
	} else {
		for _, t := range rep.Townships {
			fmt.Fprintf(stdout, "%s (%s, %s): %d basic, %d cooperative, %d reclaimed; knowledge bank: examples for %d of %d items (%d examples)\n",
				t.Township, t.City, t.File, t.Basic, t.Cooperative, t.Reclaimed, t.WithExamples, t.Basic+t.Cooperative+t.Reclaimed, t.Examples)
		}
		for _, p := range rep.Problems {
			fmt.Fprintln(stdout, p.Error())
		}
		if n := len(rep.Knowledge); n > 0 {
			fmt.Fprintf(stdout, "knowledge bank: %d doubtful rows (not errors)\n", n)
			for i, p := range rep.Knowledge {
				if i == maxKnowledgeShown {
					fmt.Fprintf(stdout, "  … and %d more (dutybot check -json lists them all)\n", n-i)
					break
				}
				fmt.Fprintln(stdout, "  "+p)
			}
		}
	}
	if kerr != nil {
		fmt.Fprintf(stderr, "dutybot check: %v\n", kerr)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "dutybot check: %v\n", err)
		return 1
	}
	if len(rep.Problems) > 0 {
		return 1
	}
	return 0
}
