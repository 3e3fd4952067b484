package nlp

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds text to the form every later stage expects:
//
//   - NFKC, so full-width letters, digits and punctuation become their
//     half-width forms (ＡＢＣ１２３ → abc123) and compatibility characters
//     fold (㎏ → kg);
//   - lower case;
//   - punctuation, symbols, emoji, control and private-use characters become
//     spaces, and combining marks are dropped;
//   - runs of spaces fold to one, with none at either end;
//   - a space between two Han characters is removed, because in Chinese it
//     is layout, not a word break (PDF tables wrap cells as "人民陪审 员").
//
// Normalize is idempotent, and its result holds only letters, digits and
// single spaces.
func Normalize(s string) string { return normalize(s, false) }

// normalize is Normalize; with breaks, a run of punctuation or symbols (or a
// line break) becomes '\n' instead of a space, and stays even between two
// Han characters. The analyser cuts text there: a word never spans 、 or ，
// however the layout spaced it.
func normalize(s string, breaks bool) string {
	if plain(s) {
		// NFKC would change nothing that survives: skip it and its checks.
		return normalizeOnce(s, breaks, false)
	}
	out := normalizeOnce(s, breaks, true)
	// Lower-casing can, in rare scripts, produce a string that is not NFKC;
	// a second pass settles it, so that Normalize stays idempotent.
	if !norm.NFKC.IsNormalString(out) {
		out = normalizeOnce(out, breaks, true)
	}
	return out
}

// plain reports whether NFKC can be skipped for s: it holds only ASCII,
// the common CJK ideographs, and CJK, general and full-width punctuation
// and spaces, which NFKC leaves alone or maps to ASCII punctuation and
// spaces, all of which become separators. Most documents and questions are
// plain; full-width letters and digits, compatibility characters and emoji
// are not.
func plain(s string) bool {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf, r >= 0x4E00 && r <= 0x9FFF:
		case r >= 0x2000 && r <= 0x206F: // general punctuation
		case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF65: // CJK and full-width
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				return false // 々, 〇, full-width letters and digits
			}
		default:
			return false
		}
	}
	return true
}

// Pending separators in normalizeOnce.
const (
	sepNone = iota
	sepSpace
	sepBreak
)

func normalizeOnce(s string, breaks, nfkc bool) string {
	if nfkc && !norm.NFKC.IsNormalString(s) {
		s = norm.NFKC.String(s)
	}
	b := make([]byte, 0, len(s))
	sep := sepNone
	prevHan := false // the last kept rune is Han
	other := func(r rune) {
		if breaks && !(r == ' ' || r == '\t' || r != '\n' && r != '\r' && unicode.IsSpace(r)) {
			sep = sepBreak
		} else if sep == sepNone {
			sep = sepSpace
		}
	}
	for _, r := range s {
		han := false
		switch {
		case r >= 0x4E00 && r <= 0x9FFF: // the common CJK block, fast path
			han = true
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
			default:
				other(r)
				continue
			}
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			r = unicode.ToLower(r)
			han = unicode.Is(unicode.Han, r)
		case unicode.In(r, unicode.Mn, unicode.Me):
			continue // combining marks and variation selectors: drop
		default:
			other(r)
			continue
		}
		if len(b) > 0 {
			switch {
			case sep == sepBreak:
				b = append(b, '\n')
			case sep == sepSpace && !(han && prevHan):
				b = append(b, ' ')
			}
		}
		sep = sepNone
		b = utf8.AppendRune(b, r)
		prevHan = han
	}
	return string(b)
}

// isHan reports whether r is a Han (Chinese) character.
func isHan(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return r >= 0x2E80 && unicode.Is(unicode.Han, r)
}

// allHan reports whether s is non-empty and made only of Han characters.
func allHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	return true
}
