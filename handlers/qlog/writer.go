package qlog

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"dutybot/bot"
)

// WriterOptions configure a Writer. Zero values pick the defaults.
type WriterOptions struct {
	// QueueSize is how many records may wait for the database; beyond it
	// records are dropped. Default 4096 (a few MB at most).
	QueueSize int
	// BatchSize is the most records written in one transaction. Default 256.
	BatchSize int
	// MaxDelay is how long the writer waits for more records after the
	// first of a batch: committing one transaction per record costs more
	// than the records. Default 100 ms; negative writes at once.
	MaxDelay time.Duration
	// WriteTimeout bounds one batch. Default 10 s.
	WriteTimeout time.Duration
	// Logger receives the warnings about lost records. Default slog.Default().
	Logger *slog.Logger
	// OnDrop, when set, is called with the number of records lost each time
	// some are (queue full, database failing, writer closed), for a metric.
	// It is called from the recording goroutine or the writer's: keep it
	// cheap and non-blocking.
	OnDrop func(n int)
	// Names, when set, gives the name of an item, stored next to its ref so
	// that the report needs no documents. It is called on the writer's
	// goroutine, never on the reply path.
	Names func(township, ref string) string
}

// Writer is the bot.Recorder of the question log: RecordQuestion and
// RecordFeedback put the record on a bounded queue and return at once; one
// goroutine writes the queue to the Sink in batches. A record that does
// not fit in the queue, or whose batch the Sink fails to write, is dropped
// and counted: logging never slows or breaks a reply. Records of rate-
// limited questions are not logged at all, so that one account cannot
// flood the log.
type Writer struct {
	sink Sink
	opts WriterOptions
	log  *slog.Logger

	mu     sync.RWMutex // guards closed against the close of queue
	closed bool
	queue  chan item
	done   chan struct{}

	written atomic.Uint64
	dropped atomic.Uint64
	failing atomic.Bool // the last batch failed

	warnMu   sync.Mutex
	lastWarn time.Time
	unwarned int
}

// item is a queued entry, or a flush marker (flushed != nil).
type item struct {
	e       Entry
	flushed chan struct{}
}

var _ bot.Recorder = (*Writer)(nil)

// warnEvery spaces the warnings about dropped records.
const warnEvery = 10 * time.Second

// NewWriter starts a writer to sink. Close it to flush.
func NewWriter(sink Sink, opts WriterOptions) *Writer {
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4096
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.MaxDelay == 0 {
		opts.MaxDelay = 100 * time.Millisecond
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	w := &Writer{sink: sink, opts: opts, log: opts.Logger, queue: make(chan item, opts.QueueSize), done: make(chan struct{})}
	if w.log == nil {
		w.log = slog.Default()
	}
	go w.run()
	return w
}

// RecordQuestion queues a question for the log; see Writer.
func (w *Writer) RecordQuestion(r bot.Record) {
	if r.Decision == bot.DecideLimited {
		return
	}
	w.enqueue(item{e: Entry{Question: &r}})
}

// RecordFeedback queues a feedback for the log; see Writer.
func (w *Writer) RecordFeedback(f bot.Feedback) {
	w.enqueue(item{e: Entry{Feedback: &f}})
}

func (w *Writer) enqueue(it item) {
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		w.drop(1, errClosed)
		return
	}
	select {
	case w.queue <- it:
		w.mu.RUnlock()
	default:
		w.mu.RUnlock()
		w.drop(1, errQueueFull)
	}
}

var (
	errQueueFull = errors.New("queue full")
	errClosed    = errors.New("writer closed")
)

// Len returns how many records wait in the queue, for the queue-depth
// metric.
func (w *Writer) Len() int { return len(w.queue) }

// Cap returns the size of the queue.
func (w *Writer) Cap() int { return cap(w.queue) }

// Written returns how many records were written (retried messages that
// were skipped as already logged included).
func (w *Writer) Written() uint64 { return w.written.Load() }

// Dropped returns how many records were lost.
func (w *Writer) Dropped() uint64 { return w.dropped.Load() }

// Failing reports whether the last batch failed to be written.
func (w *Writer) Failing() bool { return w.failing.Load() }

// Flush waits until everything queued before the call is written (or
// dropped). It returns ctx's error if ctx ends first, and nil at once when
// the writer is closed.
func (w *Writer) Flush(ctx context.Context) error {
	ch := make(chan struct{})
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return nil
	}
	select {
	case w.queue <- item{flushed: ch}:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting records, writes what is queued and returns when
// the writer's goroutine has ended. Records arriving after Close are
// dropped and counted. It does not close the Sink.
func (w *Writer) Close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
	return nil
}

func (w *Writer) run() {
	defer close(w.done)
	batch := make([]Entry, 0, w.opts.BatchSize)
	var markers []chan struct{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	open := true
	for open {
		it, ok := <-w.queue
		if !ok {
			return
		}
		batch, markers = batch[:0], markers[:0]
		add := func(it item) {
			if it.flushed != nil {
				markers = append(markers, it.flushed)
			} else {
				batch = append(batch, it.e)
			}
		}
		add(it)
		// Gather more: what is queued now, then what arrives within
		// MaxDelay, until the batch is full, a Flush asks for it or the
		// writer closes.
		var wait <-chan time.Time
		if w.opts.MaxDelay > 0 {
			timer.Reset(w.opts.MaxDelay)
			wait = timer.C
		}
	gather:
		for len(batch) < w.opts.BatchSize && len(markers) == 0 {
			select {
			case it, ok := <-w.queue:
				if !ok {
					open = false
					break gather
				}
				add(it)
				continue
			default:
			}
			if wait == nil {
				break
			}
			select {
			case it, ok := <-w.queue:
				if !ok {
					open = false
					break gather
				}
				add(it)
			case <-wait:
				wait = nil
				break gather
			}
		}
		if wait != nil {
			timer.Stop()
		}
		w.write(batch)
		for _, m := range markers {
			close(m)
		}
		clear(batch) // let the records go
	}
}

func (w *Writer) write(batch []Entry) {
	if len(batch) == 0 {
		return
	}
	if w.opts.Names != nil {
		for i := range batch {
			e := &batch[i]
			var township string
			var refs []string
			if e.Question != nil {
				township, refs = e.Question.Township, e.Question.Refs
			} else if e.Feedback != nil {
				township, refs = e.Feedback.Township, e.Feedback.Refs
			}
			if len(refs) > 0 && e.Names == nil {
				e.Names = make([]string, len(refs))
				for j, ref := range refs {
					e.Names[j] = w.opts.Names(township, ref)
				}
			}
		}
	}
	w.mu.RLock()
	closing := w.closed
	w.mu.RUnlock()
	if closing && w.failing.Load() {
		// Shutting down with a failing database: do not wait for it batch
		// after batch.
		w.drop(len(batch), errors.New("database failing at shutdown"))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.opts.WriteTimeout)
	err := w.sink.Write(ctx, batch)
	cancel()
	if err != nil {
		w.failing.Store(true)
		w.drop(len(batch), err)
		return
	}
	if w.failing.Swap(false) {
		w.log.Info("question log: writing again")
	}
	w.written.Add(uint64(len(batch)))
}

// drop counts n lost records and warns, at most once every warnEvery.
func (w *Writer) drop(n int, reason error) {
	total := w.dropped.Add(uint64(n))
	if w.opts.OnDrop != nil {
		w.opts.OnDrop(n)
	}
	w.warnMu.Lock()
	defer w.warnMu.Unlock()
	w.unwarned += n
	if now := time.Now(); now.Sub(w.lastWarn) >= warnEvery {
		w.log.Warn("question log: records dropped", "count", w.unwarned, "total", total, "reason", reason.Error())
		w.unwarned = 0
		w.lastWarn = now
	}
}
