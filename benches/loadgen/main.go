// Command chatads-loadgen is an open-loop gRPC load generator for chatads.
//
// Requests are sent at a fixed offered rate whatever the server does, and each
// latency is measured from the time the request was scheduled, not from when it
// was actually sent: a server that stalls is charged for every request that had
// to wait (no coordinated omission). The generator knows nothing of the proto:
// it sends protobuf bytes that the orchestrator (benches/loadtest.py) encoded
// beforehand, through a pass-through codec, so it needs no generated code.
//
// Modes:
//
//	unary  one call of -method per scheduled request (Score, Echo, ...)
//	chat   Chat bidi streams: -sessions sessions open at once, each a stream of
//	       several turns; a turn's latency runs from its scheduled time to the
//	       response that answers it (responses come back in order)
//
// The result (one JSON object) holds the counts by gRPC status code, the offered
// and achieved rates and an HDR histogram of the latencies in microseconds,
// encoded (V2, compressed, base64) so that the results of several processes can
// be merged exactly.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

const chatMethod = "/chatads.v1.AdScoring/Chat"

type config struct {
	target   string
	mode     string
	method   string
	requests string
	rate     float64
	duration time.Duration
	warmup   time.Duration
	timeout  time.Duration
	conns    int
	preopen  bool
	sessions int
	arrivals string
	shard    int
	shards   int
	seed     uint64
	out      string
}

func parseFlags() (config, error) {
	var c config
	var shard string
	flag.StringVar(&c.target, "target", "127.0.0.1:50051", "server host:port (plaintext)")
	flag.StringVar(&c.mode, "mode", "unary", "unary or chat")
	flag.StringVar(&c.method, "method", "/chatads.v1.AdScoring/Score", "full method of unary calls")
	flag.StringVar(&c.requests, "requests", "", "file of length-prefixed records (see workload.go)")
	flag.Float64Var(&c.rate, "rate", 100, "offered requests (or chat turns) per second")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "measured time, after the warm-up")
	flag.DurationVar(&c.warmup, "warmup", time.Second, "time at the offered rate before measuring")
	flag.DurationVar(&c.timeout, "timeout", time.Second, "deadline of each call (and grace at the end)")
	flag.IntVar(&c.conns, "conns", 1, "HTTP/2 connections, used in turn")
	flag.IntVar(&c.sessions, "sessions", 32, "chat: sessions open at once")
	flag.BoolVar(&c.preopen, "preopen", false, "chat: open every session's stream before the schedule starts")
	flag.StringVar(&c.arrivals, "arrivals", "const", "const (evenly spaced) or poisson")
	flag.StringVar(&shard, "shard", "0/1", "k/n: use records k, k+n, k+2n, ... of the file")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the Poisson arrivals")
	flag.StringVar(&c.out, "out", "-", "where to write the JSON result (- = stdout)")
	flag.Parse()
	k, n, ok := strings.Cut(shard, "/")
	var err1, err2 error
	c.shard, err1 = strconv.Atoi(k)
	c.shards, err2 = strconv.Atoi(n)
	switch {
	case !ok || err1 != nil || err2 != nil || c.shards < 1 || c.shard < 0 || c.shard >= c.shards:
		return c, fmt.Errorf("-shard: want k/n with 0 <= k < n, got %q", shard)
	case c.mode != "unary" && c.mode != "chat":
		return c, fmt.Errorf("-mode: want unary or chat, got %q", c.mode)
	case c.arrivals != "const" && c.arrivals != "poisson":
		return c, fmt.Errorf("-arrivals: want const or poisson, got %q", c.arrivals)
	case c.requests == "":
		return c, errors.New("-requests: a file is required")
	case !(c.rate > 0) || math.IsInf(c.rate, 0):
		return c, fmt.Errorf("-rate: must be > 0, got %v", c.rate)
	case c.conns < 1 || c.sessions < 1:
		return c, errors.New("-conns and -sessions must be >= 1")
	}
	return c, nil
}

// schedule yields the planned send times: evenly spaced or Poisson at the rate.
type schedule struct {
	start    time.Time
	interval float64 // seconds
	poisson  bool
	rng      *rand.Rand
	offset   float64
	i        int
}

func (s *schedule) next() time.Time {
	if s.poisson {
		s.offset += s.rng.ExpFloat64() * s.interval
	} else {
		s.offset = float64(s.i) * s.interval
	}
	s.i++
	return s.start.Add(time.Duration(s.offset * float64(time.Second)))
}

// sleepUntil sleeps until t; it returns at once when t is past (the request is
// late and its latency already includes the delay). Only the pacing goroutine,
// after precisePacing, calls it.
func sleepUntil(t time.Time) {
	if d := time.Until(t); d > 0 {
		sleepFor(d)
	}
}

func dial(c config) ([]*grpc.ClientConn, error) {
	conns := make([]*grpc.ClientConn, c.conns)
	for i := range conns {
		cc, err := grpc.NewClient(c.target,
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})),
		)
		if err != nil {
			return nil, err
		}
		cc.Connect()
		conns[i] = cc
	}
	// Wait until every connection is up, so connecting is not charged to the first calls.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, cc := range conns {
		for s := cc.GetState(); s.String() != "READY"; s = cc.GetState() {
			if !cc.WaitForStateChange(ctx, s) {
				return nil, fmt.Errorf("%s: not ready after 10s (state %s)", c.target, s)
			}
		}
	}
	return conns, nil
}

func runUnary(c config, conns []*grpc.ClientConn, reqs [][]byte, rec *recorder) {
	sched := schedule{
		start:    time.Now().Add(10 * time.Millisecond),
		interval: 1 / c.rate,
		poisson:  c.arrivals == "poisson",
		rng:      rand.New(rand.NewPCG(c.seed, uint64(c.shard))),
	}
	rec.begin(sched.start, c.warmup, c.duration)
	end := sched.start.Add(c.warmup + c.duration)
	precisePacing()
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		planned := sched.next()
		if !planned.Before(end) {
			break
		}
		sleepUntil(planned)
		rec.scheduled(planned)
		wg.Add(1)
		go func(cc *grpc.ClientConn, req []byte) {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
			defer cancel()
			var reply frame
			err := cc.Invoke(ctx, c.method, &frame{b: req}, &reply)
			rec.done(planned, status.Code(err))
		}(conns[i%len(conns)], reqs[i%len(reqs)])
	}
	wg.Wait()
}

// chatStream is one open Chat stream: the sender is the slot's goroutine, the
// receiver its own goroutine; pending holds the planned times of the turns sent
// and not yet answered, oldest first.
type chatStream struct {
	stream  grpc.ClientStream
	cancel  context.CancelFunc
	mu      sync.Mutex
	pending []time.Time
	turns   [][]byte
	next    int
}

func (s *chatStream) push(t time.Time) {
	s.mu.Lock()
	s.pending = append(s.pending, t)
	s.mu.Unlock()
}

func (s *chatStream) pop() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return time.Time{}, false
	}
	t := s.pending[0]
	s.pending = s.pending[1:]
	return t, true
}

// receive matches responses to turns in order until the stream ends; turns left
// unanswered when it fails get the stream's status code.
func (s *chatStream) receive(rec *recorder, wg *sync.WaitGroup) {
	defer wg.Done()
	defer s.cancel()
	for {
		var reply frame
		err := s.stream.RecvMsg(&reply)
		if err != nil {
			code := status.Code(err)
			if errors.Is(err, io.EOF) {
				code = codes.Unknown // the server closed with turns unanswered
			}
			for t, ok := s.pop(); ok; t, ok = s.pop() {
				rec.done(t, code)
			}
			return
		}
		if t, ok := s.pop(); ok {
			rec.done(t, codes.OK)
		}
	}
}

func runChat(c config, conns []*grpc.ClientConn, sessions [][][]byte, rec *recorder) {
	// Streams stay open past the schedule only for the grace period; with
	// -preopen they are all opened first, then the schedule starts.
	runCtx, stopAll := context.WithCancel(context.Background())
	defer stopAll()
	var nextSession atomic.Int64
	open := func(slot int) (*chatStream, error) {
		turns := sessions[int(nextSession.Add(1)-1)%len(sessions)]
		ctx, cancel := context.WithCancel(runCtx)
		st, err := conns[slot%len(conns)].NewStream(ctx, &grpc.StreamDesc{
			StreamName: "Chat", ServerStreams: true, ClientStreams: true,
		}, chatMethod)
		if err != nil {
			cancel()
			return nil, err
		}
		rec.sessionOpened()
		return &chatStream{stream: st, cancel: cancel, turns: turns}, nil
	}
	first := make([]*chatStream, c.sessions)
	if c.preopen {
		for i := range first {
			st, err := open(i)
			if err != nil {
				fmt.Fprintf(os.Stderr, "chatads-loadgen: opening stream %d: %v\n", i, err)
				os.Exit(1)
			}
			first[i] = st
		}
	}
	sched := schedule{
		start:    time.Now().Add(10 * time.Millisecond),
		interval: 1 / c.rate,
		poisson:  c.arrivals == "poisson",
		rng:      rand.New(rand.NewPCG(c.seed, uint64(c.shard))),
	}
	rec.begin(sched.start, c.warmup, c.duration)
	end := sched.start.Add(c.warmup + c.duration)
	stopTimer := time.AfterFunc(time.Until(end.Add(c.timeout)), stopAll)
	defer stopTimer.Stop()

	var receivers, slots sync.WaitGroup
	ticks := make([]chan time.Time, c.sessions)
	for i := range ticks {
		ticks[i] = make(chan time.Time, 4096)
		slots.Add(1)
		cur := first[i]
		if cur != nil {
			receivers.Add(1)
			go cur.receive(rec, &receivers)
		}
		go func(slot int, in <-chan time.Time, cur *chatStream) {
			defer slots.Done()
			for planned := range in {
				if cur == nil {
					st, err := open(slot)
					if err != nil {
						rec.done(planned, status.Code(err))
						continue
					}
					cur = st
					receivers.Add(1)
					go cur.receive(rec, &receivers)
				}
				cur.push(planned)
				if err := cur.stream.SendMsg(&frame{b: cur.turns[cur.next]}); err != nil {
					// The receiver sees the same failure and reports the pending turns.
					cur = nil
					continue
				}
				cur.next++
				if cur.next == len(cur.turns) {
					_ = cur.stream.CloseSend()
					cur = nil
				}
			}
			if cur != nil {
				_ = cur.stream.CloseSend()
			}
		}(i, ticks[i], cur)
	}
	precisePacing()
	for i := 0; ; i++ {
		planned := sched.next()
		if !planned.Before(end) {
			break
		}
		sleepUntil(planned)
		rec.scheduled(planned)
		ticks[i%len(ticks)] <- planned
	}
	for _, ch := range ticks {
		close(ch)
	}
	slots.Wait()
	receivers.Wait()
}

func main() {
	// Pinned to one CPU, Go would run a single P: the pacing thread, back from
	// nanosleep, would then wait for the goroutines handling replies. A second P lets
	// it send on time (the OS shares the core between the two threads).
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	c, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chatads-loadgen:", err)
		os.Exit(2)
	}
	records, err := readRecords(c.requests)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chatads-loadgen:", err)
		os.Exit(2)
	}
	records = shardOf(records, c.shard, c.shards)
	if len(records) == 0 {
		fmt.Fprintf(os.Stderr, "chatads-loadgen: %s: no records for shard %d/%d\n", c.requests, c.shard, c.shards)
		os.Exit(2)
	}
	conns, err := dial(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chatads-loadgen:", err)
		os.Exit(1)
	}
	defer func() {
		for _, cc := range conns {
			_ = cc.Close()
		}
	}()
	rec := newRecorder()
	method := c.method
	if c.mode == "chat" {
		method = chatMethod
		sessions := make([][][]byte, len(records))
		for i, r := range records {
			if sessions[i], err = splitRecords(r); err != nil || len(sessions[i]) == 0 {
				fmt.Fprintf(os.Stderr, "chatads-loadgen: %s: session %d: bad or empty (%v)\n", c.requests, i, err)
				os.Exit(2)
			}
		}
		runChat(c, conns, sessions, rec)
	} else {
		runUnary(c, conns, records, rec)
	}
	res := rec.result()
	res.Mode, res.Method, res.Target = c.mode, method, c.target
	res.Shard = fmt.Sprintf("%d/%d", c.shard, c.shards)
	res.Arrivals, res.Conns = c.arrivals, c.conns
	res.OfferedRPS = c.rate
	if c.mode == "chat" {
		res.Sessions = c.sessions
	}
	out := os.Stdout
	if c.out != "-" {
		if out, err = os.Create(c.out); err != nil {
			fmt.Fprintln(os.Stderr, "chatads-loadgen:", err)
			os.Exit(1)
		}
		defer out.Close()
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "chatads-loadgen:", err)
		os.Exit(1)
	}
}
