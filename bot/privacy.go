package bot

import "strings"

// Mask hides the personal numbers in a message: a mobile phone number
// keeps its first three and last four digits (138****5678), an ID-card
// number (18 digits, the last one possibly X, or the old 15 digits) and a
// bank-card or any other number of 12 digits or more their first four and
// last four (6501**********1234). Digits may be full-width and grouped
// by spaces or hyphens (138 1234 5678, 6222-0212-3456-7890); a phone
// number may start with +86 or 86. Shorter numbers (amounts, years,
// 12345) are left alone. The bot masks every question before anything
// else sees it: the matcher, the question log, the reply that echoes it.
func Mask(text string) string {
	if !hasLongDigits(text) {
		return text
	}
	rs := []rune(text)
	var sb strings.Builder
	sb.Grow(len(text))
	for i := 0; i < len(rs); {
		digits, end := digitRun(rs, i)
		if digits == "" {
			sb.WriteRune(rs[i])
			i++
			continue
		}
		if m := maskNumber(digits); m != "" {
			sb.WriteString(m)
		} else {
			sb.WriteString(string(rs[i:end]))
		}
		i = end
	}
	return sb.String()
}

// hasLongDigits reports whether text holds 11 digits or more at all: most
// questions hold none, and are returned as they are.
func hasLongDigits(text string) bool {
	n := 0
	for _, r := range text {
		if digit(r) >= 0 {
			n++
		}
	}
	return n >= 11
}

// digit returns r's value as a decimal digit (ASCII or full-width), or -1.
func digit(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}

// separator reports whether r may stand between the groups of a number.
func separator(r rune) bool {
	return r == ' ' || r == '-' || r == '－' || r == '\u00a0' || r == '\u3000'
}

// digitRun reads the number that starts at rs[i]: an optional + (of +86),
// digits with single separators between them, and an X after 17 digits
// (an ID card's check character). It returns the digits (X included, in
// ASCII) and the index after the number; no digits when rs[i] does not
// start one.
func digitRun(rs []rune, i int) (string, int) {
	start := i
	if rs[i] == '+' || rs[i] == '＋' {
		i++
	}
	if i >= len(rs) || digit(rs[i]) < 0 {
		return "", start
	}
	var b []byte
	end := i
	for j := i; j < len(rs); j++ {
		if d := digit(rs[j]); d >= 0 {
			b = append(b, byte('0'+d))
			end = j + 1
			continue
		}
		if separator(rs[j]) && j+1 < len(rs) && digit(rs[j+1]) >= 0 && j > i && digit(rs[j-1]) >= 0 {
			continue
		}
		break
	}
	if len(b) == 17 && end < len(rs) && (rs[end] == 'X' || rs[end] == 'x' || rs[end] == 'Ｘ' || rs[end] == 'ｘ') {
		b = append(b, 'X')
		end++
	}
	return string(b), end
}

// maskNumber masks a number read by digitRun, or returns "" when it is
// too short to be personal.
func maskNumber(d string) string {
	if len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1' {
		d = d[2:] // +86 13812345678
	}
	switch {
	case len(d) < 11:
		return ""
	case len(d) == 11 && d[0] == '1':
		return d[:3] + "****" + d[7:]
	}
	return d[:4] + strings.Repeat("*", len(d)-8) + d[len(d)-4:]
}

// numberLabels are the words that introduce a personal number; they go
// with it when a question is matched.
var numberLabels = []string{"身份证号码", "身份证号", "身份证", "证件号码", "证件号", "手机号码", "手机号", "电话号码", "电话号",
	"联系电话", "电话", "手机", "银行卡号", "银行卡", "卡号", "账号", "号码", "我的"}

// withoutNumbers returns a masked question without its masked numbers
// and, when labels is set, the words that introduce them
// ("身份证6501**********1234"): what it asks is matched, not that it holds
// an ID card number.
func withoutNumbers(text string, labels bool) string {
	if !strings.Contains(text, "**") {
		return text
	}
	var sb strings.Builder
	rest := text
	for {
		i := strings.Index(rest, "**")
		if i < 0 {
			sb.WriteString(rest)
			break
		}
		start := i
		for start > 0 && digit(rune(rest[start-1])) >= 0 {
			start--
		}
		end := i
		for end < len(rest) && (rest[end] == '*' || digit(rune(rest[end])) >= 0 || rest[end] == 'X') {
			end++
		}
		head := rest[:start]
		if labels {
			head = strings.TrimRight(head, " :：是为")
			for _, l := range numberLabels {
				if strings.HasSuffix(head, l) {
					head = strings.TrimSuffix(head, l)
					break
				}
			}
		}
		sb.WriteString(head)
		sb.WriteString(" ")
		rest = rest[end:]
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}
