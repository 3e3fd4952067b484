package configs_test

import (
	"testing"

	"dutybot/configs"
	"dutybot/nlp"
)

// The embedded table must parse: a broken edit fails here, naming the line,
// rather than at the server's start.
func TestSynonymsParse(t *testing.T) {
	s, err := nlp.ParseSynonyms(configs.SynonymsFile, configs.Synonyms)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() < 300 {
		t.Errorf("%s has %d entries, want hundreds", configs.SynonymsFile, s.Len())
	}
}
