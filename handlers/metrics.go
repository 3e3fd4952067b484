package handlers

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"dutybot/bot"
)

// Metrics are dutybot's Prometheus metrics, on a registry of their own
// (served at GET /metrics). The handlers feed the request, answer, decision
// and dedupe metrics; the rest of the service feeds the gauges through the
// Set and Add methods. A nil *Metrics is not valid; use NewMetrics.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec   // channel, outcome
	latency   *prometheus.HistogramVec // channel
	decisions *prometheus.CounterVec   // channel, decision
	dedupe    *prometheus.CounterVec   // channel
	logQueue  prometheus.Gauge
	logDrops  prometheus.Counter
	documents prometheus.Gauge
	items     prometheus.Gauge

	// The series of the known label values, made once: every counter is
	// exported from the start (at 0, so that rate() and sums over
	// replicas see it), and the hot path skips the label lookup.
	requestsBy  map[[2]string]prometheus.Counter
	latencyBy   map[bot.Channel]prometheus.Observer
	decisionsBy map[[2]string]prometheus.Counter
	dedupeBy    map[bot.Channel]prometheus.Counter
}

// Known label values. Others (a new decision, say) still work, through the
// slower label lookup.
var (
	metricChannels = []bot.Channel{bot.WeChat, bot.WeCom, bot.API}
	metricOutcomes = []string{"ok", "late", "forbidden", "bad_request", "too_large", "not_found", "unavailable", "error"}
	metricDecision = []bot.Decision{bot.DecideAnswer, bot.DecideChoice, bot.DecideNone, bot.DecideBody, bot.DecideHelp,
		bot.DecideCategories, bot.DecideMore, bot.DecideFeedback, bot.DecideLimited}
)

// NewMetrics returns the metrics registered on a new registry, with the Go
// runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dutybot_requests_total",
			Help: "HTTP requests by channel (wechat, wecom, api) and outcome (ok, late, forbidden, bad_request, too_large, not_found, unavailable, error).",
		}, []string{"channel", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dutybot_answer_seconds",
			Help:    "Time the bot took to answer a question, by channel.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 4},
		}, []string{"channel"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dutybot_decisions_total",
			Help: "Answers by channel and decision (answer, choice, none, help, ...).",
		}, []string{"channel", "decision"}),
		dedupe: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dutybot_dedupe_hits_total",
			Help: "Messages received again (WeChat and WeCom retries) and answered from the first reply.",
		}, []string{"channel"}),
		logQueue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dutybot_log_queue_depth",
			Help: "Question log records waiting to be written.",
		}),
		logDrops: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dutybot_log_dropped_total",
			Help: "Question log records dropped: the queue was full or the database could not be written.",
		}),
		documents: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dutybot_documents_loaded",
			Help: "Duty-list documents (townships) loaded.",
		}),
		items: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dutybot_items_loaded",
			Help: "Duty-list items loaded, over all townships.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.decisions, m.dedupe, m.logQueue, m.logDrops, m.documents, m.items,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.requestsBy = map[[2]string]prometheus.Counter{}
	m.latencyBy = map[bot.Channel]prometheus.Observer{}
	m.decisionsBy = map[[2]string]prometheus.Counter{}
	m.dedupeBy = map[bot.Channel]prometheus.Counter{}
	for _, ch := range metricChannels {
		c := string(ch)
		for _, o := range metricOutcomes {
			m.requestsBy[[2]string{c, o}] = m.requests.WithLabelValues(c, o)
		}
		m.latencyBy[ch] = m.latency.WithLabelValues(c)
		for _, d := range metricDecision {
			m.decisionsBy[[2]string{c, string(d)}] = m.decisions.WithLabelValues(c, string(d))
		}
		if ch != bot.API { // only the chat channels are retried
			m.dedupeBy[ch] = m.dedupe.WithLabelValues(c)
		}
	}
	return m
}

// request counts one HTTP request of channel with outcome.
func (m *Metrics) request(channel, outcome string) {
	if c, ok := m.requestsBy[[2]string{channel, outcome}]; ok {
		c.Inc()
		return
	}
	m.requests.WithLabelValues(channel, outcome).Inc()
}

// dedupeHit counts one message of ch answered from its first reply.
func (m *Metrics) dedupeHit(ch bot.Channel) {
	if c, ok := m.dedupeBy[ch]; ok {
		c.Inc()
		return
	}
	m.dedupe.WithLabelValues(string(ch)).Inc()
}

// Registry returns the registry, to register more collectors on it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// SetLogQueueDepth reports how many question log records wait to be written.
func (m *Metrics) SetLogQueueDepth(n int) { m.logQueue.Set(float64(n)) }

// AddLogDrops counts n question log records dropped.
func (m *Metrics) AddLogDrops(n int) { m.logDrops.Add(float64(n)) }

// SetDocumentsLoaded reports the documents (townships) and items loaded.
func (m *Metrics) SetDocumentsLoaded(documents, items int) {
	m.documents.Set(float64(documents))
	m.items.Set(float64(items))
}

// SetLibrary reports what lib holds, as SetDocumentsLoaded does.
func (m *Metrics) SetLibrary(lib *bot.Library) {
	if lib == nil {
		m.SetDocumentsLoaded(0, 0)
		return
	}
	n := 0
	for _, t := range lib.Townships {
		n += len(t.Items)
	}
	m.SetDocumentsLoaded(len(lib.Townships), n)
}

// observe records one answer and the time it took.
func (m *Metrics) observe(ch bot.Channel, d bot.Decision, took time.Duration) {
	if o, ok := m.latencyBy[ch]; ok {
		o.Observe(took.Seconds())
	} else {
		m.latency.WithLabelValues(string(ch)).Observe(took.Seconds())
	}
	if c, ok := m.decisionsBy[[2]string{string(ch), string(d)}]; ok {
		c.Inc()
	} else {
		m.decisions.WithLabelValues(string(ch), string(d)).Inc()
	}
}
