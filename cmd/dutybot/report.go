package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"dutybot/handlers"
	"dutybot/handlers/qlog"
)

// runReport is dutybot report: what people asked over a period, for the
// township staff who keep the duty list and the synonyms up to date.
func runReport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("report", "[-json] [-since 7d] [-db PATH] [-config FILE]", stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	sinceFlag := fs.String("since", "7d", "period covered, back from now: 7d, 24h, 30m, 2w, or a date 2006-01-02")
	dbPath := fs.String("db", "", "question log `PATH` (default <data>/dutybot.db, data from the configuration or DUTYBOT_DATA; with postgres.url or DUTYBOT_POSTGRES_URL, that PostgreSQL database)")
	configPath := fs.String("config", "", "configuration `FILE` (default $DUTYBOT_CONFIG), read for the data folder and postgres.url")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "dutybot report: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	now := time.Now()
	since, err := handlers.ParseSince(*sinceFlag, now)
	if err != nil {
		fmt.Fprintf(stderr, "dutybot report: -since: %v\n", err)
		return 2
	}
	path, pgURL := *dbPath, ""
	if path == "" {
		cfg, err := LoadConfig(*configPath, os.LookupEnv)
		if err != nil {
			fmt.Fprintf(stderr, "dutybot report: %v\n", err)
			return 1
		}
		path, pgURL = cfg.DBPath(), cfg.Postgres.URL
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, err := openReportLog(ctx, path, pgURL)
	if err != nil {
		if errors.Is(err, qlog.ErrNoDatabase) {
			fmt.Fprintf(stderr, "dutybot report: %v (nothing logged yet, or give -db PATH)\n", err)
		} else {
			fmt.Fprintf(stderr, "dutybot report: %v\n", err)
		}
		return 1
	}
	defer store.Close()
	rep, err := store.Report(ctx, qlog.ReportOptions{Since: since, Until: now})
	if err != nil {
		fmt.Fprintf(stderr, "dutybot report: %v\n", err)
		return 1
	}
	if *asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "dutybot report: %v\n", err)
			return 1
		}
		return 0
	}
	writeReport(stdout, rep, since, now)
	return 0
}

// channelNames are the channels as staff know them, in the order shown.
var channelNames = []struct{ id, name string }{
	{"wechat", "公众号"},
	{"wecom", "企业微信"},
	{"api", "网页/接口"},
	{"cli", "命令行"},
}

func channelName(id string) string {
	for _, c := range channelNames {
		if c.id == id {
			return c.name
		}
	}
	return id
}

// writeReport prints a report for township staff, in Chinese.
func writeReport(w io.Writer, rep *qlog.Report, since, until time.Time) {
	const layout = "2006-01-02 15:04"
	unanswered := 0
	for _, d := range rep.ByDay {
		unanswered += d.Unanswered
	}
	fmt.Fprintf(w, "问答情况报告\n时间范围：%s 至 %s\n", since.Format(layout), until.Format(layout))
	fmt.Fprintf(w, "共收到提问 %d 条，其中清单里没有找到答案的 %d 条。\n", rep.Questions, unanswered)
	if rep.Questions == 0 {
		fmt.Fprintln(w, "\n这段时间没有人提问。")
		return
	}

	// Days × channels.
	fmt.Fprintln(w, "\n一、每天的提问（按渠道）")
	var chans []string
	seen := map[string]bool{}
	for _, c := range channelNames {
		for _, d := range rep.ByDay {
			if d.Channel == c.id && !seen[c.id] {
				seen[c.id] = true
				chans = append(chans, c.id)
			}
		}
	}
	for _, d := range rep.ByDay {
		if !seen[d.Channel] {
			seen[d.Channel] = true
			chans = append(chans, d.Channel)
		}
	}
	header := []string{"日期"}
	for _, c := range chans {
		header = append(header, channelName(c))
	}
	header = append(header, "合计", "未找到答案")
	var table [][]string
	for i := 0; i < len(rep.ByDay); {
		day := rep.ByDay[i].Day
		counts := map[string]int{}
		total, none := 0, 0
		for ; i < len(rep.ByDay) && rep.ByDay[i].Day == day; i++ {
			counts[rep.ByDay[i].Channel] += rep.ByDay[i].Questions
			total += rep.ByDay[i].Questions
			none += rep.ByDay[i].Unanswered
		}
		row := []string{day}
		for _, c := range chans {
			row = append(row, strconv.Itoa(counts[c]))
		}
		row = append(row, strconv.Itoa(total), strconv.Itoa(none))
		table = append(table, row)
	}
	writeTable(w, "  ", header, table)

	fmt.Fprintln(w, "\n二、问得最多的事项")
	if len(rep.TopItems) == 0 {
		fmt.Fprintln(w, "  （没有）")
	}
	for i, it := range rep.TopItems {
		name := it.Name
		if name == "" {
			name = "（名称未记录）"
		}
		fmt.Fprintf(w, "  %2d. %s %s  %d 次", i+1, it.Ref, name, it.Count)
		if it.Township != "" && len(townshipsOf(rep)) > 1 {
			fmt.Fprintf(w, "（%s）", it.Township)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "\n三、清单里没有找到答案的问题（相近的问法已合并）")
	if len(rep.Unanswered) == 0 {
		fmt.Fprintln(w, "  （没有）")
	}
	for _, g := range rep.Unanswered {
		fmt.Fprintf(w, "  %4d 次  %s\n", g.Count, oneLine(g.Question))
		if len(g.Variants) > 0 {
			vs := make([]string, len(g.Variants))
			for i, v := range g.Variants {
				vs[i] = oneLine(v)
			}
			fmt.Fprintf(w, "           相近问法：%s\n", strings.Join(vs, "；"))
		}
	}
	if len(rep.Unanswered) > 0 {
		fmt.Fprintln(w, "  提示：如果清单里其实有对应的事项，把这些说法加进同义词表；如果确实没有，可以考虑在清单里补充。")
	}

	fmt.Fprintln(w, "\n四、被评为“没用”的回答")
	if len(rep.NotUseful) == 0 {
		fmt.Fprintln(w, "  （没有）")
	}
	for _, n := range rep.NotUseful {
		var items []string
		for i, ref := range n.Refs {
			s := ref
			if i < len(n.Names) && n.Names[i] != "" {
				s += " " + n.Names[i]
			}
			items = append(items, s)
		}
		what := strings.Join(items, "、")
		if what == "" {
			what = "（未记录事项）"
		}
		fmt.Fprintf(w, "  %4d 次  %s\n", n.Count, what)
		for _, q := range n.Questions {
			fmt.Fprintf(w, "           提问：%s\n", oneLine(q))
		}
		for _, r := range n.Reasons {
			fmt.Fprintf(w, "           原因：%s\n", oneLine(r))
		}
	}
}

func townshipsOf(rep *qlog.Report) map[string]bool {
	m := map[string]bool{}
	for _, it := range rep.TopItems {
		m[it.Township] = true
	}
	return m
}

// oneLine keeps a citizen's text on one line of the report.
func oneLine(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}

// writeTable prints rows under header, columns right-aligned after the
// first, by display width (a Chinese character takes two columns).
func writeTable(w io.Writer, indent string, header []string, rows [][]string) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	line := func(r []string) {
		var sb strings.Builder
		sb.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i == 0 {
				sb.WriteString(c + pad)
			} else {
				sb.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, sb.String())
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r >= 0xFF00 && r <= 0xFFEF || r >= 0x3000 && r <= 0x303F {
			n += 2
		} else {
			n++
		}
	}
	return n
}
