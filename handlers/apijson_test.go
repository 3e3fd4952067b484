package handlers

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"dutybot/bot"
)

// appendAskResponse writes what encoding/json writes, for every item of the
// embedded list and for strings with everything JSON and HTML escape.
func TestAskJSONMatchesEncodingJSON(t *testing.T) {
	b := newBot(t, nil)
	lib := b.Library()
	srv := &server{o: Options{Bot: b}}
	check := func(r askResponse) {
		t.Helper()
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendAskResponse(nil, &r)
		if !ok {
			t.Fatalf("appendAskResponse refused %+v", r)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("appendAskResponse:\n got %s\nwant %s", got, want)
		}
	}
	for _, tw := range lib.Townships {
		for _, it := range tw.Items {
			r := askResponse{Decision: bot.DecideAnswer, Township: tw.Name, Refs: []string{it.Ref}, Reply: it.Name + "\n1. x",
				More: true, Items: []apiItem{fullItem(it)}, Choices: []apiChoice{}}
			check(r)
			// The item's JSON as cached by the server, made and then reused.
			for range 2 {
				r.itemJSON = [][]byte{srv.itemJSON(it)}
				check(r)
			}
			// As the struct is, before nonNil: nil slices are null.
			check(askResponse{Items: []apiItem{{Ref: it.Ref, Leads: it.Leads, TownshipSteps: it.TownshipSteps, LeadSteps: it.LeadSteps, Handover: it.Handover}}})
		}
	}
	check(askResponse{})
	check(askResponse{Refs: []string{}, Items: []apiItem{}, Choices: []apiChoice{{"B1", "a"}, {"C2", "b"}}, Terms: []string{"x", "y"}})
	odd := []string{"", "<a href=\"x\">&amp;</a>", "\\ \b\f\n\r\t\x00\x01\x1f\x7f", "\u2028\u2029", "\xff\xfe ok \xe4\xb8", "😀 全角ＡＢＣ", "'single'"}
	r := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		s := odd[r.IntN(len(odd))]
		if r.IntN(2) == 0 {
			bs := make([]byte, r.IntN(12))
			for i := range bs {
				bs[i] = byte(r.Uint32())
			}
			s += string(bs)
		}
		check(askResponse{Decision: bot.Decision(s), Township: s, Refs: []string{s, s}, Reply: s,
			Items: []apiItem{{Ref: s, Name: s, Kind: bot.Kind(s), Category: s, Leads: []string{s},
				TownshipSteps: []bot.StepGroup{{Heading: s, Steps: []string{s, s}}, {}}, Handover: &bot.Handover{Body: s, How: s}}},
			Choices: []apiChoice{{s, s}}, Terms: []string{s}})
	}
	for _, rp := range []reply{{}, {Kind: replyText}, {Text: "x"}, {Kind: replyText, Text: odd[1] + odd[4], Late: true}, {Kind: replyStream, Text: "办残疾证"}} {
		want, _ := json.Marshal(rp)
		if got := rp.appendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("reply.appendJSON = %s, encoding/json %s", got, want)
		}
	}
	// Candidates (explain) are left to encoding/json.
	if _, ok := appendAskResponse(nil, &askResponse{Candidates: []bot.Candidate{{Ref: "B1", Score: 1.5}}}); ok {
		t.Error("appendAskResponse encoded candidates")
	}
}

var askBodies = []string{
	`{"question":"办残疾证找谁","user":"u1"}`, `{"user":"u1","question":"x","township":"喀尔墩乡","explain":true}`,
	` { "question" : "a" , "explain" : false } `, `{}`, `{"question":"a","question":"b"}`, `{"Question":"a"}`,
	`{"question":"a\nb"}`, `{"question":"a\u0041"}`, `{"question":"\xff"}`, `{"question":null}`, `{"explain":"yes"}`,
	`{"question":"a"} x`, `{"question":"a",}`, `{"question":1}`, `{"other":{"a":[1,2]},"question":"q"}`, `[]`, ``, `{`,
	`{"question":"a"`, `{"explain":truex}`, `{"explain":true,"explain":false}`, "{\"question\":\"\u2028\"}",
}

func TestParseAskRequestMatchesEncodingJSON(t *testing.T) {
	for _, b := range askBodies {
		checkAskRequest(t, []byte(b))
	}
}

func FuzzParseAskRequest(f *testing.F) {
	for _, b := range askBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkAskRequest(t, b) })
}

func checkAskRequest(t *testing.T, b []byte) {
	t.Helper()
	var want, got askRequest
	wantErr := json.Unmarshal(b, &want)
	err := parseAskRequest(b, &got)
	if (err == nil) != (wantErr == nil) || err == nil && got != want {
		t.Fatalf("parseAskRequest(%q) = %+v, %v; encoding/json %+v, %v", b, got, err, want, wantErr)
	}
}
