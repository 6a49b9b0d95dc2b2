// Command demo serves the offline demo: the demo page (and js/dist) on one
// origin and a Cognito user-pool emulator on another, so the page talks to
// "Cognito" across origins with CORS, as in production.
//
//	go run ./demo [-addr 127.0.0.1:8080] [-cognito-addr 127.0.0.1:9229] [-seed FILE] [-dist js/dist] [-allow-remote]
//
// It prints both URLs and stops cleanly on SIGINT or SIGTERM.
//
// Both servers are for this machine only: they answer requests whose Host is
// a loopback name (DNS rebinding is refused), the emulator's control
// endpoints refuse pages of other origins, and the page goes out with a
// strict Content-Security-Policy. An address other machines can reach
// (":9229", "0.0.0.0:8080", a LAN address) is refused unless -allow-remote
// is given, and then comes with a warning: the demo password is public.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cognito-wasm/cognito-wasm/demo/web"
	"github.com/cognito-wasm/cognito-wasm/internal/demoserver"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/hostguard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds how long a stop waits for requests in flight.
const shutdownTimeout = 5 * time.Second

// run serves until ctx is done.
func run(ctx context.Context, args []string, out io.Writer) error {
	flags := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "`address` of the demo page")
	cognitoAddr := flags.String("cognito-addr", "127.0.0.1:9229", "`address` of the Cognito emulator")
	seedFile := flags.String("seed", "", "emulator seed `file` (JSON); default: the built-in demo pool")
	dist := flags.String("dist", "js/dist", "`directory` of the built module, served at /dist/")
	allowRemote := flags.Bool("allow-remote", false, "allow addresses other machines can reach (anyone there can use the emulator)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	for _, a := range []string{*addr, *cognitoAddr} {
		if !hostguard.LoopbackAddr(a) && !*allowRemote {
			return fmt.Errorf("%s is reachable from other machines; use a loopback address such as 127.0.0.1:PORT, or pass -allow-remote", a)
		}
	}

	var seed *emulator.Seed
	if *seedFile != "" {
		var err error
		if seed, err = emulator.LoadSeedFile(*seedFile); err != nil {
			return err
		}
	}
	cognitoLn, err := net.Listen("tcp", *cognitoAddr)
	if err != nil {
		return fmt.Errorf("cognito emulator: %w", err)
	}
	defer cognitoLn.Close()
	demoLn, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("demo page: %w", err)
	}
	defer demoLn.Close()
	emu, err := emulator.New(seed, emulator.WithAllowedHosts(hostsOf(*cognitoAddr, cognitoLn.Addr())...))
	if err != nil {
		return err
	}

	cognitoURL, demoURL := baseURL(cognitoLn.Addr()), pageURL(demoLn.Addr())
	cfg := demoserver.Config{UserPoolEndpoint: cognitoURL}
	if seed == nil {
		cfg.UserPoolID, cfg.UserPoolClientID = emulator.DemoPoolID, emulator.DemoClientID
	} else if len(seed.UserPools) > 0 {
		p := seed.UserPools[0]
		cfg.UserPoolID = p.ID
		if len(p.Clients) > 0 {
			cfg.UserPoolClientID = p.Clients[0].ID
		}
	}
	if st, err := os.Stat(*dist); err != nil || !st.IsDir() {
		fmt.Fprintf(out, "demo: warning: %s is not a directory; run `make build` to build the module\n", *dist)
	}

	// Both with the emulator's limits: slow or endless requests are cut off.
	cognitoSrv := emulator.NewHTTPServer(emu)
	cognitoSrv.RegisterOnShutdown(emu.Close) // release requests held by "hang" faults
	demoSrv := emulator.NewHTTPServer(demoserver.New(web.FS, os.DirFS(*dist), cfg, demoserver.WithAllowedHosts(hostsOf(*addr, demoLn.Addr())...)))
	errc := make(chan error, 2)
	go func() { errc <- cognitoSrv.Serve(cognitoLn) }()
	go func() { errc <- demoSrv.Serve(demoLn) }()

	for _, a := range []string{*addr, *cognitoAddr} {
		if !hostguard.LoopbackAddr(a) {
			fmt.Fprintf(out, "demo: warning: -allow-remote: %s is reachable from other machines; anyone there can sign in with the demo password and drive the emulator\n", a)
		}
	}
	fmt.Fprintf(out, "demo: %s\ncognito: %s\n", demoURL, cognitoURL)
	if seed == nil {
		fmt.Fprintf(out, "sign in as %s / %s (or %s, who has no passkeys or devices)\n",
			emulator.DemoUsername, emulator.DemoPassword, emulator.DemoEmptyUsername)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var stopErr error
	for _, srv := range []*http.Server{demoSrv, cognitoSrv} {
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close() // stop waiting for slow connections
			stopErr = fmt.Errorf("stop: requests still in flight after %s were cut off: %w", shutdownTimeout, err)
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return stopErr
}

// hostsOf is what a listener's requests may name as Host besides loopback
// names: the host given in its flag and the address it got; for an
// unspecified address (all interfaces), this machine's name and interface
// addresses.
func hostsOf(flagAddr string, a net.Addr) []string {
	hosts := []string{a.String()}
	host, _, err := net.SplitHostPort(flagAddr)
	if ip := net.ParseIP(host); err != nil || host == "" || ip != nil && ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil {
			hosts = append(hosts, name)
		}
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, ia := range addrs {
				if ipn, ok := ia.(*net.IPNet); ok {
					hosts = append(hosts, ipn.IP.String())
				}
			}
		}
		return hosts
	}
	return append(hosts, host)
}

// pageURL is where to open the demo page. An IPv4 loopback or unspecified
// address is named localhost, because browsers create passkeys only for a
// domain name (the pool's relying party, "localhost"), never on an
// IP-address origin; other addresses ([::1], a LAN address) are printed as
// they are.
func pageURL(a net.Addr) string {
	u := baseURL(a)
	if rest, ok := strings.CutPrefix(u, "http://127.0.0.1:"); ok {
		return "http://localhost:" + rest
	}
	return u
}

// baseURL is the http URL of a listener. An unspecified address (":9229",
// only with -allow-remote) is printed as 127.0.0.1: such a listener accepts
// loopback connections too (IPv4 and IPv6), and that is where a browser on
// this machine finds it. Browsers on other machines need the machine's own
// address instead.
func baseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
