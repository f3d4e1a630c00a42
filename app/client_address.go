package app

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientIPHeader carries the client's address as clientAddress worked it
// out; fiber's c.IP() reads it (Config.ProxyHeader) on requests from a
// trusted proxy. Whatever a request brings in this header is thrown away.
const clientIPHeader = "X-Naryad-Client-Ip"

// clientAddress finds the client behind the trusted proxies: the last
// address of X-Forwarded-For that is not a trusted proxy, read from the
// right. Proxies append the address they got the request from, so the
// addresses on the left are whatever the client wrote: fiber's own reading
// (the first valid one) would let anyone pick their address, and with it
// dodge every per-IP limit. With every address trusted, the first one is
// the client.
func clientAddress(trusted []netip.Prefix) fiber.Handler {
	return func(c *fiber.Ctx) error {
		hdr := &c.Request().Header
		hdr.Del(clientIPHeader)
		if ip := forwardedClient(c, trusted); ip != "" {
			hdr.Set(clientIPHeader, ip)
		}
		return c.Next()
	}
}

// forwardedClient is the client's address for clientIPHeader; "" when the
// peer is not a trusted proxy (c.IP() is then the peer anyway).
func forwardedClient(c *fiber.Ctx, trusted []netip.Prefix) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok || !isTrusted(peer.Unmap(), trusted) {
		return ""
	}
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	client := peer.Unmap()
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Not an address: nothing to its left can be believed, so the
			// last trusted hop stands for the client.
			break
		}
		client = addr.Unmap()
		if !isTrusted(client, trusted) {
			break
		}
	}
	return client.String()
}

// isTrusted tells whether addr is one of the trusted proxies.
func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// trustedProxies reads NARYAD_TRUSTED_PROXIES (checked by cli.Validate):
// an address is a prefix of its full length.
func trustedProxies(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range list {
		if pre, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pre.Masked())
		} else if addr, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()))
		}
	}
	return out
}
