// Command dutybot answers people's questions about a township's duty list
// (履职事项清单) on WeChat, WeCom and a local HTTP API.
//
// Usage:
//
//	dutybot [serve] [-config FILE] [-addr ADDR]   run the server (the default)
//	dutybot ask [-json] [-explain] [-township NAME] QUESTION
//	dutybot check [-json] [FILE…]
//	dutybot eval [-json] [-township NAME] FILE.tsv
//	dutybot export [-township NAME] [FILE…]
//	dutybot report [-json] [-since 7d] [-db PATH]
//	dutybot menu [-config FILE] [-print]
//	dutybot version
//
// With no configuration it serves the embedded list of 伊宁市喀尔墩乡 on :8080.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"dutybot/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: dutybot [command] [flags]

commands:
  serve    run the server (default): dutybot serve [-config FILE] [-addr ADDR]
  ask      answer one question as WeChat would: dutybot ask [-json] [-explain] [-township NAME] QUESTION
  check    parse duty lists and list problems: dutybot check [-json] [FILE…]
  eval     measure answer quality: dutybot eval [-json] [-township NAME] FILE.tsv
  export   print the parsed items as JSON: dutybot export [-township NAME] [FILE…]
  report   what people asked: dutybot report [-json] [-since 7d] [-db PATH]
  menu     create the official account's menu: dutybot menu [-config FILE] [-print]
  version  print the version, Go version and platform
`

// run dispatches to a subcommand and returns the exit code: 0 success, 1 a
// failure or a problem found, 2 a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, stdout, stderr)
	case "ask":
		return runAsk(ctx, args, stdout, stderr)
	case "check":
		return runCheck(args, stdout, stderr)
	case "eval":
		return runEval(ctx, args, stdout, stderr)
	case "export":
		return runExport(args, stdout, stderr)
	case "report":
		return runReport(args, stdout, stderr)
	case "menu":
		return runMenu(ctx, args, stdout, stderr)
	case "version":
		if len(args) > 0 {
			fmt.Fprintf(stderr, "dutybot version: takes no arguments, got %q\n", args)
			return 2
		}
		fmt.Fprintf(stdout, "dutybot %s (%s %s/%s)\n", version.String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "dutybot: unknown command %q\n%s", cmd, usage)
	return 2
}

// writeJSON prints v as indented JSON, with Chinese and <> left as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
