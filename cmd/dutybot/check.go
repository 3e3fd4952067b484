package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"dutybot/bot"
	"dutybot/seeds"
)

// checkReport is the output of dutybot check -json.
type checkReport struct {
	Townships []checkTownship `json:"townships"`
	Problems  []seeds.Problem `json:"problems"`
}

// checkTownship counts one township's items by list.
type checkTownship struct {
	Township    string `json:"township"`
	City        string `json:"city"`
	File        string `json:"file"`
	Basic       int    `json:"basic"`
	Cooperative int    `json:"cooperative"`
	Reclaimed   int    `json:"reclaimed"`
}

// runCheck is dutybot check [-json] [FILE…]: it parses the documents (the
// embedded one when none is given) and prints, per township, how many items
// each list has, then every problem found as file:line: message. It returns
// 0 when there is no problem, 1 when there is any (or a document cannot be
// read), 2 on a usage error.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the counts and problems as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dutybot check [-json] [FILE…]")
		fmt.Fprintln(stderr, "Parses duty lists (.txt, .md, .csv, .xlsx, .docx files or folders; the embedded list when none) and lists their problems.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	lib, problems, err := seeds.Load(fs.Args()...)
	rep := checkReport{Townships: []checkTownship{}, Problems: problems}
	if rep.Problems == nil {
		rep.Problems = []seeds.Problem{}
	}
	if lib != nil {
		for _, t := range lib.Townships {
			rep.Townships = append(rep.Townships, checkTownship{
				Township:    t.Name,
				City:        t.City,
				File:        t.File,
				Basic:       t.Count(bot.Basic),
				Cooperative: t.Count(bot.Cooperative),
				Reclaimed:   t.Count(bot.Reclaimed),
			})
		}
	}
	if *asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "dutybot check: %v\n", err)
			return 1
		}
	} else {
		for _, t := range rep.Townships {
			fmt.Fprintf(stdout, "%s (%s, %s): %d basic, %d cooperative, %d reclaimed\n",
				t.Township, t.City, t.File, t.Basic, t.Cooperative, t.Reclaimed)
		}
		for _, p := range rep.Problems {
			fmt.Fprintln(stdout, p.Error())
		}
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
