// Package kubewatch is a k6 extension (k6/x/kubewatch) that streams Kubernetes watches the way
// client-go does: one GET with watch=1, a chunked JSON body read as it arrives, over HTTP/2 where
// the server offers it, so many watches share a connection. It exists to be measured against
// k6/websockets (bench/watch-delivery.ts), not as a dependency of the scenarios.
//
//	import { Watch } from 'k6/x/kubewatch';
//	const w = new Watch(url, { headers, caFile, insecure, http1 }, (json) => {...}, (err) => {...});
//	w.close();
package kubewatch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"

	"github.com/grafana/sobek"
	"github.com/mstoykov/k6-taskqueue-lib/taskqueue"
	"go.k6.io/k6/js/common"
	"go.k6.io/k6/js/modules"
)

func init() {
	modules.Register("k6/x/kubewatch", new(RootModule))
}

// RootModule is the per-process module; each VU gets its own Instance.
type RootModule struct{}

// Instance holds one VU's transports: watches with the same TLS options share one, which is what
// lets HTTP/2 put them on a single connection, as client-go does for one agent.
type Instance struct {
	vu         modules.VU
	transports map[string]*transport // only touched on the VU's JS thread
}

// transport is a shared http.Transport plus, for HTTP/2, a gate that lets one watch at a time wait
// for its response headers. Opened in a burst, every request that finds no connection with a free
// stream dials its own (kube-apiserver allows 100 streams per connection), which left 1,000 watches
// on ~450 connections; one at a time, the pool grows by one connection per 100 watches.
type transport struct {
	rt   *http.Transport
	gate chan struct{} // nil: no gate (HTTP/1.1 has one connection per watch anyway)
}

var (
	_ modules.Module   = &RootModule{}
	_ modules.Instance = &Instance{}
)

// NewModuleInstance implements modules.Module.
func (*RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	return &Instance{vu: vu, transports: map[string]*transport{}}
}

// Exports implements modules.Instance.
func (mi *Instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{"Watch": mi.newWatch}}
}

type params struct {
	Headers  map[string]string `js:"headers"`
	CAFile   string            `js:"caFile"`
	Insecure bool              `js:"insecure"`
	HTTP1    bool              `js:"http1"`
}

func (mi *Instance) transport(p params) (*transport, error) {
	key := fmt.Sprintf("%s|%t|%t", p.CAFile, p.Insecure, p.HTTP1)
	if t, ok := mi.transports[key]; ok {
		return t, nil
	}
	state := mi.vu.State()
	if state == nil {
		return nil, errors.New("kubewatch: Watch can only be opened in VU code, not in the init context")
	}
	tlsConf := &tls.Config{InsecureSkipVerify: p.Insecure} //nolint:gosec // opt-in, for test servers
	if p.CAFile != "" {
		pem, err := os.ReadFile(p.CAFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kubewatch: no certificate in %s", p.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	t := &http.Transport{
		// k6's dialer, as k6/websockets uses: the same blocked hosts, hosts overrides and data_sent/received.
		DialContext:       state.Dialer.DialContext,
		TLSClientConfig:   tlsConf,
		ForceAttemptHTTP2: !p.HTTP1,
	}
	if p.HTTP1 {
		// A non-nil empty map is how net/http is told never to negotiate h2.
		t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		// One connection per concurrent watch, as with WebSocket: no cap below the watch count.
		t.MaxIdleConnsPerHost = -1
	}
	tr := &transport{rt: t}
	if !p.HTTP1 {
		tr.gate = make(chan struct{}, 1)
	}
	mi.transports[key] = tr
	return tr, nil
}

type watch struct {
	cancel context.CancelFunc
	once   sync.Once
}

func (mi *Instance) newWatch(c sobek.ConstructorCall) *sobek.Object {
	rt := mi.vu.Runtime()
	url := c.Argument(0).String()
	var p params
	if v := c.Argument(1); !common.IsNullish(v) {
		if err := rt.ExportTo(v, &p); err != nil {
			common.Throw(rt, fmt.Errorf("kubewatch: bad params: %w", err))
		}
	}
	onEvent, ok := sobek.AssertFunction(c.Argument(2))
	if !ok {
		common.Throw(rt, errors.New("kubewatch: the third argument must be the event callback"))
	}
	onEnd, _ := sobek.AssertFunction(c.Argument(3)) // optional
	tr, err := mi.transport(p)
	if err != nil {
		common.Throw(rt, err)
	}
	// A child of the VU's context, so the stream (and its goroutine) also ends with the iteration.
	ctx, cancel := context.WithCancel(mi.vu.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		common.Throw(rt, err)
	}
	for k, v := range p.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Accept", "application/json")

	w := &watch{cancel: cancel}
	// The queue holds one RegisterCallback open for the watch's lifetime, so the event loop (and the
	// iteration) waits for it, and runs every callback on the VU's JS thread: the goroutine below
	// never touches the runtime itself.
	tq := taskqueue.New(mi.vu.RegisterCallback)
	go func() {
		defer tq.Close()
		defer cancel()
		endErr := stream(tr, req, func(ev json.RawMessage) {
			s := string(ev)
			tq.Queue(func() error {
				_, err := onEvent(sobek.Undefined(), rt.ToValue(s))
				return err
			})
		})
		if onEnd == nil {
			return
		}
		tq.Queue(func() error {
			arg := sobek.Null()
			// A close() from JS (or the VU ending) is a normal end, not an error to report.
			if endErr != nil && ctx.Err() == nil {
				arg = rt.ToValue(endErr.Error())
			}
			_, err := onEnd(sobek.Undefined(), arg)
			return err
		})
	}()

	obj := rt.NewObject()
	must(rt, obj.Set("close", func() { w.once.Do(w.cancel) }))
	return obj
}

// stream runs one watch request to its end, handing each event's JSON to deliver as it is decoded.
// client-go frames the body with a JSON decoder, not by lines, so this does too.
func stream(tr *transport, req *http.Request, deliver func(json.RawMessage)) error {
	if tr.gate != nil {
		select {
		case tr.gate <- struct{}{}:
		case <-req.Context().Done():
			return req.Context().Err()
		}
	}
	res, err := tr.rt.RoundTrip(req)
	if tr.gate != nil {
		<-tr.gate
	}
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("watch %s: HTTP %d: %s", req.URL.Path, res.StatusCode, body)
	}
	dec := json.NewDecoder(res.Body)
	for {
		var ev json.RawMessage
		if err := dec.Decode(&ev); err != nil {
			if errors.Is(err, io.EOF) {
				return nil // the server ended the watch (timeoutSeconds)
			}
			return err
		}
		deliver(ev)
	}
}

func must(rt *sobek.Runtime, err error) {
	if err != nil {
		common.Throw(rt, err)
	}
}
