// Package bot is dutybot's domain core: a township's duty-list items, the
// questions people ask about them and the answers the bot gives.
//
// A channel adapter (package handlers, the command line) turns a message
// into a Question, with the Format its channel shows (plain text or
// markdown, a size limit), and calls (*Bot).Answer. The bot masks the
// personal numbers of the message (Mask), cuts a group chat's @-mentions,
// handles conversation commands (a numbered pick, 详情, 帮助, 分类,
// feedback), small talk and requests for a person, asks the township's
// Ranker for ranked items and the unlisted matter that fits best, decides
// between answering, offering a numbered choice, saying the list has
// nothing, or saying who usually handles such a matter, and renders the
// reply in the question's Format: an emergency's numbers first, and an
// item's answer ending with the next step and whom to contact (Contacts).
//
// The interfaces the core needs from outside are declared here and kept
// small: Ranker, SessionStore, Limiter, Recorder and DedupeStore, with
// in-memory implementations. The core imports only the standard library.
package bot
