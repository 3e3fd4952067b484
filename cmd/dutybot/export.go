package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"dutybot/bot"
	"dutybot/seeds"
)

// exportDoc is the output of dutybot export.
type exportDoc struct {
	Townships []exportTownship `json:"townships"`
	Bodies    []bot.Body       `json:"bodies"`
}

// exportTownship is one township's parsed items.
type exportTownship struct {
	Township string      `json:"township"`
	City     string      `json:"city"`
	Items    []*bot.Item `json:"items"`
}

// runExport is dutybot export [-township NAME] [FILE…]: it parses the
// documents (the embedded one when none is given) and prints the items and
// the bodies, with their aliases, as JSON. Problems in the documents do not
// stop it; it says how many there are on stderr. It returns 1 when the
// documents cannot be read or the township is unknown, 2 on a usage error.
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	township := fs.String("township", "", "export only this township (喀尔墩乡 or 喀尔墩)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: dutybot export [-township NAME] [FILE…]")
		fmt.Fprintln(stderr, "Prints the parsed items of duty lists (.txt, .md, .csv, .xlsx, .docx files or folders; the embedded list when none) as JSON.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	lib, problems, err := seeds.Load(fs.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "dutybot export: %v\n", err)
		return 1
	}
	if n := len(problems); n > 0 {
		fmt.Fprintf(stderr, "dutybot export: %d problem(s) in the documents; run dutybot check to list them\n", n)
	}
	towns := lib.Townships
	if *township != "" {
		t := lib.Township(*township)
		if t == nil {
			var names []string
			for _, t := range lib.Townships {
				names = append(names, t.Name)
			}
			fmt.Fprintf(stderr, "dutybot export: no township %q (loaded: %s)\n", *township, strings.Join(names, ", "))
			return 1
		}
		towns = []*bot.Township{t}
	}
	doc := exportDoc{Townships: []exportTownship{}, Bodies: []bot.Body{}}
	for _, t := range towns {
		items := t.Items
		if items == nil {
			items = []*bot.Item{}
		}
		doc.Townships = append(doc.Townships, exportTownship{Township: t.Name, City: t.City, Items: items})
	}
	for _, b := range lib.Bodies.Bodies() {
		body := bot.Body{Name: b.Name, Aliases: b.Aliases}
		if body.Aliases == nil {
			body.Aliases = []string{}
		}
		doc.Bodies = append(doc.Bodies, body)
	}
	if err := writeJSON(stdout, doc); err != nil {
		fmt.Fprintf(stderr, "dutybot export: %v\n", err)
		return 1
	}
	return 0
}
