// Package configs holds the data files that staff may edit and that dutybot
// embeds: the colloquial-phrase and synonym table (synonyms.txt, format at
// the top of the file and in nlp.ParseSynonyms), the knowledge bank of how
// people ask about each matter (knowledge.tsv) and the out-of-scope bank of
// matters no township list covers (out-of-scope.tsv), both described in
// bot/knowledge.go.
package configs

import _ "embed"

// Synonyms is the embedded synonyms.txt. Parse it with
// nlp.ParseSynonyms("configs/synonyms.txt", configs.Synonyms).
//
//go:embed synonyms.txt
var Synonyms []byte

// SynonymsFile is the name to give errors about the embedded table.
const SynonymsFile = "configs/synonyms.txt"

// Knowledge is the embedded knowledge bank, knowledge.tsv: how people ask
// about each matter of a duty list (see bot.ParseKnowledge).
//
//go:embed knowledge.tsv
var Knowledge []byte

// OutOfScope is the embedded out-of-scope bank, out-of-scope.tsv: everyday
// matters no township list covers, with the body that usually handles them
// (see bot.ParseOutOfScope).
//
//go:embed out-of-scope.tsv
var OutOfScope []byte

// The names to give errors about the embedded banks.
const (
	KnowledgeFile  = "configs/knowledge.tsv"
	OutOfScopeFile = "configs/out-of-scope.tsv"
)
