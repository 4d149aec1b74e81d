package main

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"google.golang.org/grpc/codes"
)

// Latencies are recorded in microseconds, 1 µs to 60 s, 3 significant digits.
const (
	histLowest  = 1
	histHighest = 60_000_000
	histDigits  = 3
)

// recorder counts what happened to the requests planned inside the measured
// window (after the warm-up); requests planned during the warm-up are sent but
// not counted.
type recorder struct {
	mu          sync.Mutex
	start       time.Time // first planned send
	from, until time.Time // the measured window
	latency     *hdrhistogram.Histogram
	sendLag     *hdrhistogram.Histogram // how late the generator itself sent
	codes       map[string]int64
	planned     int64
	okInWindow  int64 // OK responses that arrived inside the window
	sessions    int64
}

func newRecorder() *recorder {
	return &recorder{
		latency: hdrhistogram.New(histLowest, histHighest, histDigits),
		sendLag: hdrhistogram.New(histLowest, histHighest, histDigits),
		codes:   map[string]int64{},
	}
}

func (r *recorder) begin(start time.Time, warmup, duration time.Duration) {
	r.start, r.from, r.until = start, start.Add(warmup), start.Add(warmup+duration)
}

func (r *recorder) inWindow(t time.Time) bool { return !t.Before(r.from) && t.Before(r.until) }

func micros(d time.Duration) int64 { return max(d.Microseconds(), histLowest) }

// scheduled is called when the generator sends a planned request.
func (r *recorder) scheduled(planned time.Time) {
	lag := micros(time.Since(planned))
	if !r.inWindow(planned) {
		return
	}
	r.mu.Lock()
	r.planned++
	_ = r.sendLag.RecordValue(min(lag, histHighest))
	r.mu.Unlock()
}

// done is called once per planned request, with its outcome.
func (r *recorder) done(planned time.Time, code codes.Code) {
	now := time.Now()
	if !r.inWindow(planned) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.codes[code.String()]++
	if code == codes.OK {
		_ = r.latency.RecordValue(min(micros(now.Sub(planned)), histHighest))
		if r.inWindow(now) {
			r.okInWindow++
		}
	}
}

func (r *recorder) sessionOpened() {
	r.mu.Lock()
	r.sessions++
	r.mu.Unlock()
}

type quantiles struct {
	Count int64   `json:"count"`
	Mean  float64 `json:"mean"`
	P50   int64   `json:"p50"`
	P90   int64   `json:"p90"`
	P99   int64   `json:"p99"`
	P999  int64   `json:"p999"`
	Max   int64   `json:"max"`
}

func quantilesOf(h *hdrhistogram.Histogram) quantiles {
	return quantiles{
		Count: h.TotalCount(), Mean: h.Mean(),
		P50: h.ValueAtQuantile(50), P90: h.ValueAtQuantile(90),
		P99: h.ValueAtQuantile(99), P999: h.ValueAtQuantile(99.9), Max: h.Max(),
	}
}

type result struct {
	Mode           string           `json:"mode"`
	Method         string           `json:"method"`
	Target         string           `json:"target"`
	Shard          string           `json:"shard"`
	Arrivals       string           `json:"arrivals"`
	Conns          int              `json:"conns"`
	Sessions       int              `json:"sessions,omitempty"`
	OfferedRPS     float64          `json:"offered_rps"`
	WindowS        float64          `json:"window_s"`
	Planned        int64            `json:"planned"`
	ByCode         map[string]int64 `json:"by_code"`
	AchievedRPS    float64          `json:"achieved_rps"`
	SessionsOpened int64            `json:"sessions_opened"`
	LatencyUS      quantiles        `json:"latency_us"`
	SendLagUS      quantiles        `json:"send_lag_us"`
	// HDR histograms, V2 compressed and base64 (the form the Python hdrhistogram
	// package decodes), in microseconds.
	Histogram        string `json:"histogram"`
	SendLagHistogram string `json:"send_lag_histogram"`
}

func (r *recorder) result() result {
	r.mu.Lock()
	defer r.mu.Unlock()
	window := r.until.Sub(r.from).Seconds()
	enc := func(h *hdrhistogram.Histogram) string {
		b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		if err != nil {
			panic(err) // only fails on a broken writer
		}
		return string(b)
	}
	return result{
		WindowS:          window,
		Planned:          r.planned,
		ByCode:           r.codes,
		AchievedRPS:      float64(r.okInWindow) / window,
		SessionsOpened:   r.sessions,
		LatencyUS:        quantilesOf(r.latency),
		SendLagUS:        quantilesOf(r.sendLag),
		Histogram:        enc(r.latency),
		SendLagHistogram: enc(r.sendLag),
	}
}
