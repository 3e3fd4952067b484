package handlers

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"dutybot/bot"
)

// The answer of POST /api/ask is encoded here rather than by encoding/json,
// whose reflection was most of the cost of a reply that carries whole
// items. The bytes are encoding/json's (TestAskJSONMatchesEncodingJSON):
// the same field order, null for nil slices and pointers, and strings
// escaped alike, HTML characters included.

// appendAskResponse appends the JSON of r. It reports false, having
// appended nothing, when r carries candidates (explain): their scores are
// left to encoding/json.
func appendAskResponse(b []byte, r *askResponse) ([]byte, bool) {
	if len(r.Candidates) > 0 {
		return b, false
	}
	b = append(b, `{"decision":`...)
	b = appendJSONString(b, string(r.Decision))
	b = append(b, `,"township":`...)
	b = appendJSONString(b, r.Township)
	b = append(b, `,"refs":`...)
	b = appendJSONStrings(b, r.Refs)
	b = append(b, `,"reply":`...)
	b = appendJSONString(b, r.Reply)
	b = append(b, `,"more":`...)
	b = appendJSONBool(b, r.More)
	b = append(b, `,"items":`...)
	switch {
	case r.itemJSON != nil:
		b = append(b, '[')
		for i, it := range r.itemJSON {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, it...)
		}
		b = append(b, ']')
	case r.Items == nil:
		b = append(b, "null"...)
	default:
		b = append(b, '[')
		for i := range r.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAPIItem(b, &r.Items[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"choices":`...)
	if r.Choices == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range r.Choices {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"ref":`...)
			b = appendJSONString(b, c.Ref)
			b = append(b, `,"name":`...)
			b = appendJSONString(b, c.Name)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(r.Terms) > 0 {
		b = append(b, `,"terms":`...)
		b = appendJSONStrings(b, r.Terms)
	}
	return append(b, '}'), true
}

func appendAPIItem(b []byte, it *apiItem) []byte {
	b = append(b, `{"ref":`...)
	b = appendJSONString(b, it.Ref)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, it.Name)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(it.Kind))
	b = append(b, `,"category":`...)
	b = appendJSONString(b, it.Category)
	b = append(b, `,"leads":`...)
	b = appendJSONStrings(b, it.Leads)
	b = append(b, `,"township_steps":`...)
	b = appendStepGroups(b, it.TownshipSteps)
	b = append(b, `,"lead_steps":`...)
	b = appendStepGroups(b, it.LeadSteps)
	b = append(b, `,"handover":`...)
	if it.Handover == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"body":`...)
		b = appendJSONString(b, it.Handover.Body)
		b = append(b, `,"how":`...)
		b = appendJSONString(b, it.Handover.How)
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendStepGroups(b []byte, gs []bot.StepGroup) []byte {
	if gs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, g := range gs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"heading":`...)
		b = appendJSONString(b, g.Heading)
		b = append(b, `,"steps":`...)
		b = appendJSONStrings(b, g.Steps)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

func appendJSONBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendJSONString appends s quoted as encoding/json quotes it with HTML
// escaping on (its appendString).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// parseAskRequest decodes the body of POST /api/ask as json.Unmarshal into
// an askRequest does. The common shape, an object of the four fields in
// lower case with plain strings (no escapes) and a boolean, is read here;
// anything else goes to encoding/json, which decides.
func parseAskRequest(body []byte, req *askRequest) error {
	if scanAskRequest(body, req) {
		return nil
	}
	*req = askRequest{}
	return json.Unmarshal(body, req)
}

// scanAskRequest reads the common shape of an ask request into req and
// reports whether it could; req is partly filled when it could not.
func scanAskRequest(b []byte, req *askRequest) bool {
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipJSONSpace(b, i+1) == len(b)
	}
	for {
		key, j, ok := scanJSONString(b, i)
		if !ok {
			return false
		}
		i = skipJSONSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipJSONSpace(b, i+1)
		if string(key) == "explain" {
			switch {
			case bytes.HasPrefix(b[i:], []byte("true")):
				req.Explain, i = true, i+4
			case bytes.HasPrefix(b[i:], []byte("false")):
				req.Explain, i = false, i+5
			default:
				return false
			}
		} else {
			var dst *string
			switch string(key) {
			case "question":
				dst = &req.Question
			case "user":
				dst = &req.User
			case "township":
				dst = &req.Township
			default:
				return false // other keys: encoding/json matches them without regard to case
			}
			v, j, ok := scanJSONString(b, i)
			if !ok {
				return false
			}
			*dst, i = string(v), j
		}
		i = skipJSONSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipJSONSpace(b, i+1)
		case '}':
			return skipJSONSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanJSONString reads a string without escapes at b[i:], of valid UTF-8,
// and returns its content and the offset after it.
func scanJSONString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(b); {
		c := b[j]
		switch {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, i, false
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size == 1 {
				return nil, i, false // encoding/json replaces it
			}
			j += size
		}
	}
	return nil, i, false
}
