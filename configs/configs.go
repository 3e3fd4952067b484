// Package configs holds the data files that staff may edit and that dutybot
// embeds: the colloquial-phrase and synonym table (synonyms.txt), whose
// format is described at the top of the file and by nlp.ParseSynonyms.
package configs

import _ "embed"

// Synonyms is the embedded synonyms.txt. Parse it with
// nlp.ParseSynonyms("configs/synonyms.txt", configs.Synonyms).
//
//go:embed synonyms.txt
var Synonyms []byte

// SynonymsFile is the name to give errors about the embedded table.
const SynonymsFile = "configs/synonyms.txt"
