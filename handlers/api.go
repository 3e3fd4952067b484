package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"dutybot/bot"
)

// askRequest is the body of POST /api/ask.
type askRequest struct {
	Question string `json:"question"`
	User     string `json:"user"`     // keys the conversation (numbered picks, 详情); empty: none
	Township string `json:"township"` // empty: the user's last, or the first loaded
	Explain  bool   `json:"explain"`  // add the ranking behind the decision
}

// askResponse is the answer of POST /api/ask.
type askResponse struct {
	Decision   bot.Decision      `json:"decision"`
	Township   string            `json:"township"`
	Refs       []string          `json:"refs"`
	Reply      string            `json:"reply"`
	More       bool              `json:"more"`
	Items      []json.RawMessage `json:"items"` // apiItems, encoded once (server.itemJSON)
	Choices    []apiChoice       `json:"choices"`
	Candidates []bot.Candidate   `json:"candidates,omitempty"`
	Terms      []string          `json:"terms,omitempty"`
}

// apiItem is an item in full.
type apiItem struct {
	Ref           string          `json:"ref"`
	Name          string          `json:"name"`
	Kind          bot.Kind        `json:"kind"`
	Category      string          `json:"category"`
	Leads         []string        `json:"leads"`
	TownshipSteps []bot.StepGroup `json:"township_steps"`
	LeadSteps     []bot.StepGroup `json:"lead_steps"`
	Handover      *bot.Handover   `json:"handover"`
}

type apiChoice struct {
	Ref  string `json:"ref"`
	Name string `json:"name"`
}

// apiSummary is an item in a listing.
type apiSummary struct {
	Ref      string   `json:"ref"`
	Name     string   `json:"name"`
	Kind     bot.Kind `json:"kind"`
	Category string   `json:"category"`
	Leads    []string `json:"leads"`
	// Handover says who does a reclaimed item now (R items only).
	Handover *bot.Handover `json:"handover,omitempty"`
}

type apiTownship struct {
	Township string       `json:"township"`
	City     string       `json:"city"`
	Count    int          `json:"count"` // items listed (after the filters)
	Items    []apiSummary `json:"items"`
}

func fullItem(it *bot.Item) apiItem {
	return apiItem{Ref: it.Ref, Name: it.Name, Kind: it.Kind, Category: it.Category, Leads: nonNil(it.Leads),
		TownshipSteps: nonNilSteps(it.TownshipSteps), LeadSteps: nonNilSteps(it.LeadSteps), Handover: it.Handover}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilSteps(s []bot.StepGroup) []bot.StepGroup {
	if s == nil {
		return []bot.StepGroup{}
	}
	return s
}

// apiAsk answers POST /api/ask: 400 for a body that is not JSON or an
// empty question, 404 for an unknown township, 413 for a body over
// MaxBody, 429 for a client over its limit.
//
// Each client address may ask Options.ClientLimiter's allowance (429
// past it, with Retry-After), unless the request has the admin token.
func (s *server) apiAsk(c *gin.Context) error {
	ctx, cancel := s.deadline(c)
	defer cancel()
	if s.o.ClientLimiter != nil && !s.isAdmin(c) {
		if ok, err := s.o.ClientLimiter.Allow(ctx, "api-client:"+c.ClientIP()); err == nil && !ok {
			c.Header("Retry-After", "60")
			return errTooMany
		}
	}
	var req askRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return badRequest("bad JSON", err)
	}
	if strings.TrimSpace(req.Question) == "" {
		return badRequest("empty question", nil)
	}
	user := req.User
	if user == "" {
		// Anonymous callers must not share one conversation.
		user = "anonymous-" + randomString(12)
	}
	a, err := s.answer(ctx, bot.Question{Channel: bot.API, User: user, Text: req.Question, Township: req.Township})
	if err != nil {
		return err
	}
	resp := askResponse{Decision: a.Decision, Refs: nonNil(a.Refs()), Reply: a.Text, More: a.More,
		Items: []json.RawMessage{}, Choices: []apiChoice{}}
	if a.Township != nil {
		resp.Township = a.Township.Name
	}
	for _, it := range a.Items {
		b, err := s.itemJSON(it)
		if err != nil {
			return err
		}
		resp.Items = append(resp.Items, b)
	}
	for _, it := range a.Choices {
		resp.Choices = append(resp.Choices, apiChoice{Ref: it.Ref, Name: it.Name})
	}
	if req.Explain {
		resp.Candidates = a.Candidates
		if resp.Candidates == nil {
			resp.Candidates = []bot.Candidate{}
		}
		resp.Terms = a.Terms
	}
	c.JSON(http.StatusOK, resp)
	return nil
}

// itemJSONCache holds the JSON of the items of one library, as they are
// asked about (at most one entry per item); a reload starts a new one.
type itemJSONCache struct {
	lib *bot.Library
	m   sync.Map // *bot.Item → json.RawMessage
}

// itemJSON returns the JSON of it as in the ask response's items.
func (s *server) itemJSON(it *bot.Item) (json.RawMessage, error) {
	lib := s.o.Bot.Library()
	c := s.items.Load()
	if c == nil || c.lib != lib {
		c = &itemJSONCache{lib: lib}
		s.items.Store(c)
	}
	if b, ok := c.m.Load(it); ok {
		return b.(json.RawMessage), nil
	}
	b, err := json.Marshal(fullItem(it))
	if err != nil {
		return nil, fmt.Errorf("encode item %s: %w", it.Ref, err)
	}
	c.m.Store(it, json.RawMessage(b))
	return b, nil
}

// apiItems answers GET /api/items: the townships with a summary of their
// items, filtered by ?township= (404 when unknown), ?kind= (basic,
// cooperative or reclaimed; 400 otherwise) and ?q= (a substring of the
// ref, name, category or a lead body).
func (s *server) apiItems(c *gin.Context) error {
	lib := s.o.Bot.Library()
	towns := lib.Townships
	if name := c.Query("township"); name != "" {
		t := lib.Township(name)
		if t == nil {
			return fmt.Errorf("%w: %s", bot.ErrNoTownship, name)
		}
		towns = []*bot.Township{t}
	}
	kind := bot.Kind(c.Query("kind"))
	switch kind {
	case "", bot.Basic, bot.Cooperative, bot.Reclaimed:
	default:
		return badRequest("kind must be basic, cooperative or reclaimed", nil)
	}
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	out := struct {
		Townships []apiTownship `json:"townships"`
	}{Townships: []apiTownship{}}
	for _, t := range towns {
		at := apiTownship{Township: t.Name, City: t.City, Items: []apiSummary{}}
		for _, it := range t.Items {
			if kind != "" && it.Kind != kind || q != "" && !itemHas(it, q) {
				continue
			}
			at.Items = append(at.Items, apiSummary{Ref: it.Ref, Name: it.Name, Kind: it.Kind, Category: it.Category, Leads: nonNil(it.Leads), Handover: it.Handover})
		}
		at.Count = len(at.Items)
		out.Townships = append(out.Townships, at)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func itemHas(it *bot.Item, q string) bool {
	if strings.Contains(strings.ToLower(it.Ref), q) || strings.Contains(strings.ToLower(it.Name), q) ||
		strings.Contains(strings.ToLower(it.Category), q) {
		return true
	}
	for _, l := range it.Leads {
		if strings.Contains(strings.ToLower(l), q) {
			return true
		}
	}
	return false
}

// apiItem answers GET /api/items/:ref (?township=, default the first
// loaded): the item in full; 404 for an unknown ref or township.
func (s *server) apiItem(c *gin.Context) error {
	lib := s.o.Bot.Library()
	name := c.Query("township")
	t := lib.Township(name)
	if t == nil {
		return fmt.Errorf("%w: %s", bot.ErrNoTownship, name)
	}
	ref := c.Param("ref")
	it := t.Item(ref)
	if it == nil {
		return &Error{Code: http.StatusNotFound, Msg: "no such item: " + ref}
	}
	c.JSON(http.StatusOK, struct {
		Township string `json:"township"`
		Seq      int    `json:"seq"`
		apiItem
	}{t.Name, it.Seq, fullItem(it)})
	return nil
}
