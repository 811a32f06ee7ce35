/*
 * lab net: the namespaces, the link and what is in force on it.
 *
 * A namespace is made the way `ip netns add` makes one: an empty file in
 * /run/netns (a shared mount point, so other mount namespaces see it) with
 * the namespace bind-mounted on it, which keeps it alive with no process in
 * it. Links, addresses, routes and qdiscs are rtnetlink requests built with
 * libmnl and sent through the suite's netlink transport (families/netlink.c):
 * every one of them is in the trace, each acknowledged or refused with the
 * kernel's own text.
 */
#define _GNU_SOURCE
#include "lab.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../common/i18n.h"
#include "../../common/trace.h"
#include "../../families/netlink.h"

#define NETNS_DIR "/run/netns"
#define BRIDGE "br0"
#define HOST_IF "eth0"
#define MSG_SIZE 8192   /* one request: the largest here is a few hundred bytes */

/* ---- names -------------------------------------------------------------------- */

static const char *lab_tag(void)
{
	const char *t = getenv("SOCKFAM_LAB");
	return t && *t ? t : NULL;
}

void lab_ns_name(char *out, size_t size, int host)
{
	const char *t = lab_tag();
	char h[8];
	snprintf(h, sizeof h, host ? "h%d" : "sw", host);
	snprintf(out, size, t ? "sockfam-%s-%s" : "sockfam-%s%s", t ? t : h, t ? h : "");
}

static void ns_path(char *out, size_t size, int host)
{
	char name[64];
	lab_ns_name(name, sizeof name, host);
	snprintf(out, size, NETNS_DIR "/%s", name);
}

int lab_host_number(const char *name)
{
	if (name[0] != 'h' || name[1] < '1' || name[1] > '9')
		return 0;
	char *end;
	long n = strtol(name + 1, &end, 10);
	return *end || n < 1 || n > LAB_MAX_HOSTS ? 0 : (int)n;
}

static int ns_exists(int host)
{
	char path[128];
	ns_path(path, sizeof path, host);
	return access(path, F_OK) == 0;
}

int lab_hosts_up(void)
{
	if (!ns_exists(0))
		return 0;
	int n = 0;
	while (n < LAB_MAX_HOSTS && ns_exists(n + 1))
		n++;
	return n;
}

/* ---- namespaces ------------------------------------------------------------------ */

static int ns_dir_ready(void)
{
	if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return -1;
	/* shared, as ip makes it: a namespace mounted here shows in every mount namespace */
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	if (mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL);
}

static int ns_create(int host)
{
	char path[128];
	ns_path(path, sizeof path, host);
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "lab: %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int rc = -1;
	if (self >= 0 && unshare(CLONE_NEWNET) == 0) {
		rc = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL);
		int e = errno;
		if (setns(self, CLONE_NEWNET) < 0)
			rc = -1;
		errno = e;
	}
	if (rc < 0)
		fprintf(stderr, _("lab: making the namespace %s: %s\n"), path, strerror(errno));
	if (self >= 0)
		close(self);
	return rc;
}

int lab_enter(int host)
{
	char path[128];
	ns_path(path, sizeof path, host);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, _("lab: entering %s: %s\n"), path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	/* /sys as the namespace sees it (interface names by index), in a mount
	 * namespace of our own so nobody else's /sys changes */
	if (unshare(CLONE_NEWNS) < 0 || mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0 ||
	    umount2("/sys", MNT_DETACH) < 0 || mount("sysfs", "/sys", "sysfs", 0, NULL) < 0) {
		fprintf(stderr, _("lab: remounting /sys for %s: %s\n"), path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A sysctl of the namespace we are in (/proc/sys/net follows the caller's namespace). */
static int sysctl_set(const char *name, const char *value)
{
	char path[256];
	snprintf(path, sizeof path, "/proc/sys/net/%s", name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

/* The processes inside namespace `path` (the same namespace inode), killed. */
static int ns_kill_processes(const char *path)
{
	struct stat ns;
	if (stat(path, &ns) < 0)
		return 0;
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int killed = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 1 || pid == getpid())
			continue;
		char p[64];
		struct stat st;
		snprintf(p, sizeof p, "/proc/%ld/ns/net", pid);
		if (stat(p, &st) == 0 && st.st_ino == ns.st_ino && st.st_dev == ns.st_dev &&
		    kill((pid_t)pid, SIGKILL) == 0)
			killed++;
	}
	closedir(d);
	return killed;
}

/* Removes one namespace: its processes, its mount, its file. 1 when there was one. */
static int ns_remove(int host)
{
	char path[128];
	ns_path(path, sizeof path, host);
	if (access(path, F_OK) < 0)
		return 0;
	int killed = ns_kill_processes(path);
	if (killed)
		printf(ngettext("killed %d process in %s\n", "killed %d processes in %s\n", (unsigned long)killed), killed,
		       path + sizeof NETNS_DIR);
	/* not mounted after a crash between the two steps: EINVAL, and the file goes anyway */
	umount2(path, MNT_DETACH);
	if (unlink(path) < 0)
		fprintf(stderr, _("lab: removing %s: %s\n"), path, strerror(errno));
	return 1;
}

/* Everything of this lab, whatever state a crash left it in. */
static int remove_all(void)
{
	int n = 0;
	for (int h = 0; h <= LAB_MAX_HOSTS; h++)
		n += ns_remove(h);
	return n;
}

int lab_down(void)
{
	if (!remove_all()) {
		fputs(_("lab: down: no lab is up (see: lab up)\n"), stderr);
		return 2;
	}
	fputs(_("the lab is down: its namespaces, links and processes are gone\n"), stdout);
	return 0;
}

/* ---- rtnetlink -------------------------------------------------------------------- */

static int rt_open(struct nl_sock *ns)
{
	int fd = t_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		fprintf(stderr, "lab: socket: %s\n", strerror(errno));
		return -1;
	}
	if (nl_setup(ns, fd, NETLINK_ROUTE, 0, "lab") < 0) {
		nl_free(ns);
		t_close(fd);
		return -1;
	}
	return 0;
}

static void rt_close(struct nl_sock *ns)
{
	nl_free(ns);
	t_close(ns->fd);
}

/* One request: 0, or 1 with the kernel's reason on stderr. */
static int rt_do(struct nl_sock *ns, struct nlmsghdr *h, nl_msg_cb cb, void *data, const char *what)
{
	struct nl_error e;
	return nl_transact(ns, h, cb, data, &e) < 0 ? nl_report(ns, what, &e) : 0;
}

static struct nlmsghdr *link_msg(char *buf, int create, unsigned index, const char *name)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_flags = create ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	if (name)
		mnl_attr_put_strz(h, IFLA_IFNAME, name);
	return h;
}

static int index_cb(const struct nlmsghdr *h, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type == RTM_NEWLINK && mnl_nlmsg_get_payload_len(h) >= sizeof *ifi)
		*(unsigned *)data = (unsigned)ifi->ifi_index;
	return MNL_CB_OK;
}

static unsigned link_index(struct nl_sock *ns, const char *name)
{
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = link_msg(buf, 0, 0, name);
	h->nlmsg_type = RTM_GETLINK;
	unsigned idx = 0;
	char what[64];
	snprintf(what, sizeof what, _("finding %s"), name);
	return rt_do(ns, h, index_cb, &idx, what) ? 0 : idx;
}

/* Up, and optionally into a bridge (master) or to an MTU. */
static int link_set(struct nl_sock *ns, unsigned index, unsigned master, unsigned mtu, const char *what)
{
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = link_msg(buf, 0, index, NULL);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	if (!mtu) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (master)
		mnl_attr_put_u32(h, IFLA_MASTER, master);
	if (mtu)
		mnl_attr_put_u32(h, IFLA_MTU, mtu);
	return rt_do(ns, h, NULL, NULL, what);
}

static int bridge_make(struct nl_sock *ns)
{
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = link_msg(buf, 1, 0, BRIDGE);
	struct nlattr *info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(h, info);
	return rt_do(ns, h, NULL, NULL, _("making the bridge br0"));   /* BRIDGE */
}

static void host_mac(unsigned char mac[6], int host)
{
	static const unsigned char base[6] = { 0x02, 0, 0, 0, 0, 0 };   /* locally administered */
	memcpy(mac, base, 6);
	mac[5] = (unsigned char)host;
}

/* The veth pair of host: port hN here (the switch), eth0 in the host's namespace. */
static int veth_make(struct nl_sock *ns, int host, int host_ns_fd)
{
	char buf[MSG_SIZE] = { 0 }, port[16];
	snprintf(port, sizeof port, "h%d", host);
	struct nlmsghdr *h = link_msg(buf, 1, 0, port);
	struct nlattr *info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	struct nlattr *peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
	struct ifinfomsg *pi = mnl_nlmsg_put_extra_header(h, sizeof *pi);
	pi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(h, IFLA_IFNAME, HOST_IF);
	mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)host_ns_fd);
	unsigned char mac[6];
	host_mac(mac, host);
	mnl_attr_put(h, IFLA_ADDRESS, sizeof mac, mac);
	mnl_attr_nest_end(h, peer);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	char what[64];
	snprintf(what, sizeof what, _("making the link of h%d"), host);
	return rt_do(ns, h, NULL, NULL, what);
}

static int addr_add(struct nl_sock *ns, int af, unsigned index, const void *addr, int prefix, const void *brd)
{
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = RTM_NEWADDR;
	h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof *ifa);
	ifa->ifa_family = (unsigned char)af;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = index;
	size_t len = af == AF_INET ? 4 : 16;
	if (af == AF_INET)
		mnl_attr_put(h, IFA_LOCAL, len, addr);
	mnl_attr_put(h, IFA_ADDRESS, len, addr);
	if (brd)
		mnl_attr_put(h, IFA_BROADCAST, len, brd);
	if (af == AF_INET6)   /* usable at once: no duplicate address detection on a lab link */
		mnl_attr_put_u32(h, IFA_FLAGS, IFA_F_NODAD);
	return rt_do(ns, h, NULL, NULL, _("adding an address"));
}

/* default dev eth0: every destination is on the link (the broadcast address
 * 255.255.255.255 and multicast groups need a route too) */
static int route_default(struct nl_sock *ns, unsigned index)
{
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = RTM_NEWROUTE;
	h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(h, sizeof *rtm);
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(h, RTA_OIF, index);
	return rt_do(ns, h, NULL, NULL, _("adding the default route"));
}

/* ---- up ------------------------------------------------------------------------------ */

static int up_switch(int hosts)
{
	if (lab_enter(0) < 0)
		return 1;
	/* the switch only forwards: it sends nothing of its own (no IPv6 on the
	 * bridge, no IGMP report for the group its multicast snooping joins) */
	sysctl_set("ipv4/igmp_link_local_mcast_reports", "0");
	sysctl_set("ipv6/conf/default/disable_ipv6", "1");
	sysctl_set("ipv6/conf/all/disable_ipv6", "1");
	struct nl_sock ns;
	if (rt_open(&ns) < 0)
		return 1;
	int rc = bridge_make(&ns);
	unsigned br = rc ? 0 : link_index(&ns, BRIDGE);
	if (!br || link_set(&ns, br, 0, 0, _("bringing the bridge up")))
		rc = 1;
	for (int i = 1; !rc && i <= hosts; i++) {
		char path[128], port[16];
		ns_path(path, sizeof path, i);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "lab: %s: %s\n", path, strerror(errno));
			rc = 1;
			break;
		}
		rc = veth_make(&ns, i, fd);
		close(fd);
		snprintf(port, sizeof port, "h%d", i);
		unsigned idx = rc ? 0 : link_index(&ns, port);
		if (!idx || link_set(&ns, idx, br, 0, _("putting the link on the bridge")))
			rc = 1;
	}
	rt_close(&ns);
	return rc;
}

/* Before the link exists: what the host's interfaces start with. */
static int up_host_early(int host, int v6)
{
	if (lab_enter(host) < 0)
		return 1;
	/* no IGMP reports for the 224.0.0.x groups every host is in: they would
	 * turn up in captures at random moments */
	sysctl_set("ipv4/igmp_link_local_mcast_reports", "0");
	if (!v6) {
		sysctl_set("ipv6/conf/default/disable_ipv6", "1");
		sysctl_set("ipv6/conf/all/disable_ipv6", "1");
	} else {
		/* no router solicitations or duplicate address probes: a quiet link */
		sysctl_set("ipv6/conf/default/router_solicitations", "0");
		sysctl_set("ipv6/conf/default/accept_dad", "0");
	}
	return 0;
}

static int up_host(int host, int v6)
{
	if (lab_enter(host) < 0)
		return 1;
	struct nl_sock ns;
	if (rt_open(&ns) < 0)
		return 1;
	int rc = 0;
	unsigned lo = link_index(&ns, "lo"), eth = lo ? link_index(&ns, HOST_IF) : 0;
	if (!eth || link_set(&ns, lo, 0, 0, _("bringing lo up")) || link_set(&ns, eth, 0, 0, _("bringing eth0 up")))
		rc = 1;
	struct in_addr a4 = { htonl(0xc0000200u | (unsigned)host) }, b4 = { htonl(0xc00002ffu) };
	if (!rc)
		rc = addr_add(&ns, AF_INET, eth, &a4, 24, &b4);
	if (!rc && v6) {
		struct in6_addr a6;
		char text[64];
		snprintf(text, sizeof text, "2001:db8::%x", host);
		inet_pton(AF_INET6, text, &a6);
		rc = addr_add(&ns, AF_INET6, eth, &a6, 64, NULL);
	}
	if (!rc)
		rc = route_default(&ns, eth);
	rt_close(&ns);
	return rc;
}

/* Each step in a child, so every one starts from the machine's namespaces
 * (setns and the private mount namespace stay in the child). */
static int in_child(int (*fn)(int, int), int a, int b)
{
	fflush(NULL);
	pid_t pid = t_fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int rc = fn(a, b);
		fflush(NULL);
		_exit(rc);
	}
	int st;
	while (t_wait4(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int up_switch2(int hosts, int unused)
{
	(void)unused;
	return up_switch(hosts);
}

int lab_up(const struct lab_opts *o)
{
	if (ns_exists(0) || lab_hosts_up()) {
		char name[64];
		lab_ns_name(name, sizeof name, 0);
		fprintf(stderr, _("lab: up: a lab is already up (%s exists); run lab down first\n"), name);
		return 2;
	}
	int rc = ns_dir_ready() < 0 ? (fprintf(stderr, "lab: " NETNS_DIR ": %s\n", strerror(errno)), 1) : 0;
	for (int h = 0; !rc && h <= o->hosts; h++)
		rc = ns_create(h) < 0;
	for (int h = 1; !rc && h <= o->hosts; h++)
		rc = in_child(up_host_early, h, o->v6);
	if (!rc)
		rc = in_child(up_switch2, o->hosts, 0);
	for (int h = 1; !rc && h <= o->hosts; h++)
		rc = in_child(up_host, h, o->v6);
	if (rc) {
		remove_all();   /* never a half-made lab */
		fputs(_("lab: up failed; everything it made is removed\n"), stderr);
		return 1;
	}
	return lab_show();
}

/* ---- show ------------------------------------------------------------------------------- */

struct host_info {
	unsigned index, mtu;
	char mac[32], v4[64], v6[64], qdisc[96];
};

static int show_link_cb(const struct nlmsghdr *h, void *data)
{
	struct host_info *hi = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(h) < sizeof *ifi)
		return MNL_CB_OK;
	hi->index = (unsigned)ifi->ifi_index;
	const struct nlattr *a;
	mnl_attr_for_each(a, h, sizeof *ifi) {
		if (mnl_attr_get_type(a) == IFLA_MTU && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			hi->mtu = mnl_attr_get_u32(a);
		if (mnl_attr_get_type(a) == IFLA_ADDRESS && mnl_attr_get_payload_len(a) == 6) {
			const unsigned char *m = mnl_attr_get_payload(a);
			snprintf(hi->mac, sizeof hi->mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
				 m[4], m[5]);
		}
	}
	return MNL_CB_OK;
}

static int show_addr_cb(const struct nlmsghdr *h, void *data)
{
	struct host_info *hi = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(h) < sizeof *ifa ||
	    ifa->ifa_index != hi->index || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	const struct nlattr *a;
	mnl_attr_for_each(a, h, sizeof *ifa) {
		size_t need = ifa->ifa_family == AF_INET ? 4 : 16;
		if (mnl_attr_get_type(a) != IFA_ADDRESS || mnl_attr_get_payload_len(a) != need)
			continue;
		char text[INET6_ADDRSTRLEN];
		inet_ntop(ifa->ifa_family, mnl_attr_get_payload(a), text, sizeof text);
		char *out = ifa->ifa_family == AF_INET ? hi->v4 : hi->v6;
		snprintf(out, 64, "%s/%u", text, ifa->ifa_prefixlen);
	}
	return MNL_CB_OK;
}

/* "tbf 1000000bit/s" from a tbf qdisc's TCA_OPTIONS */
static void tbf_text(char *out, size_t size, const struct nlattr *opts)
{
	const struct nlattr *a;
	unsigned long long rate = 0;
	mnl_attr_for_each_nested(a, opts) {
		if (mnl_attr_get_type(a) == TCA_TBF_PARMS && mnl_attr_get_payload_len(a) >= sizeof(struct tc_tbf_qopt) &&
		    !rate)
			rate = ((const struct tc_tbf_qopt *)mnl_attr_get_payload(a))->rate.rate;
		if (mnl_attr_get_type(a) == TCA_TBF_RATE64 && mnl_attr_get_payload_len(a) == 8)
			rate = mnl_attr_get_u64(a);
	}
	snprintf(out, size, "tbf rate %llubit", rate * 8);
}

static int show_qdisc_cb(const struct nlmsghdr *h, void *data)
{
	struct host_info *hi = data;
	const struct tcmsg *tc = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type != RTM_NEWQDISC || mnl_nlmsg_get_payload_len(h) < sizeof *tc ||
	    (unsigned)tc->tcm_ifindex != hi->index || tc->tcm_parent != TC_H_ROOT)
		return MNL_CB_OK;
	const struct nlattr *a, *kind = NULL, *opts = NULL;
	mnl_attr_for_each(a, h, sizeof *tc) {
		if (mnl_attr_get_type(a) == TCA_KIND && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			kind = a;
		if (mnl_attr_get_type(a) == TCA_OPTIONS)
			opts = a;
	}
	if (kind && !strcmp(mnl_attr_get_str(kind), "tbf") && opts)
		tbf_text(hi->qdisc, sizeof hi->qdisc, opts);
	else if (kind)
		snprintf(hi->qdisc, sizeof hi->qdisc, "%s", mnl_attr_get_str(kind));
	return MNL_CB_OK;
}

/* The table of lab show: its headings (N_(): _() where printed) and the
 * columns, each as wide as its English heading's column or its heading in
 * the language it is printed in, counted in terminal columns. The rows are
 * printed by children (show_host), which compute the same widths. */
#define SHOW_COLS 8
static const char *const show_heads[SHOW_COLS] = {
	N_("HOST"), N_("NAMESPACE"), N_("INTERFACE"), N_("MAC"), N_("MTU"), N_("IPV4"), N_("IPV6"), N_("QDISC"),
};

static int show_width(int col, int host)
{
	char name[64];
	lab_ns_name(name, sizeof name, host);
	const int base[SHOW_COLS] = { 4, (int)strlen(name) + 2, 9, 17, 5, 14, 16, 0 };
	const char *head = _(show_heads[col]);
	int w = (int)i18n_width(head, strlen(head));
	return w > base[col] ? w : base[col];
}

/* host: whose namespace name the row shows (the headings: 1's) */
static void show_row(const char *const cells[SHOW_COLS], int host)
{
	for (int c = 0; c + 1 < SHOW_COLS; c++)
		printf("%s%*s  ", cells[c], i18n_pad(cells[c], show_width(c, host)), "");
	printf("%s\n", cells[SHOW_COLS - 1]);
}

static int show_host(int host, int unused)
{
	(void)unused;
	if (lab_enter(host) < 0)
		return 1;
	struct nl_sock ns;
	if (rt_open(&ns) < 0)
		return 1;
	struct host_info hi = { 0 };
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = link_msg(buf, 0, 0, HOST_IF);
	h->nlmsg_type = RTM_GETLINK;
	int rc = rt_do(&ns, h, show_link_cb, &hi, _("reading eth0"));
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = RTM_GETADDR;
	h->nlmsg_flags = NLM_F_DUMP;
	mnl_nlmsg_put_extra_header(h, sizeof(struct ifaddrmsg));
	if (!rc)
		rc = rt_do(&ns, h, show_addr_cb, &hi, _("reading the addresses"));
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = RTM_GETQDISC;
	h->nlmsg_flags = NLM_F_DUMP;
	mnl_nlmsg_put_extra_header(h, sizeof(struct tcmsg));
	if (!rc)
		rc = rt_do(&ns, h, show_qdisc_cb, &hi, _("reading the qdiscs"));
	rt_close(&ns);
	if (!rc) {
		char name[64], hn[8], mtu[16];
		lab_ns_name(name, sizeof name, host);
		snprintf(hn, sizeof hn, "h%d", host);
		snprintf(mtu, sizeof mtu, "%u", hi.mtu);
		const char *row[SHOW_COLS] = { hn, name, HOST_IF, hi.mac, mtu, hi.v4[0] ? hi.v4 : "-",
					       hi.v6[0] ? hi.v6 : "-", hi.qdisc[0] ? hi.qdisc : "-" };
		show_row(row, host);
	}
	return rc;
}

int lab_show(void)
{
	int n = lab_hosts_up();
	if (!n) {
		fputs(_("lab: no lab is up (see: lab up)\n"), stderr);
		return 2;
	}
	const char *head[SHOW_COLS];
	for (int c = 0; c < SHOW_COLS; c++)
		head[c] = _(show_heads[c]);
	show_row(head, 1);
	int rc = 0;
	for (int h = 1; h <= n; h++)
		rc |= in_child(show_host, h, 0);
	char name[64];
	lab_ns_name(name, sizeof name, 0);
	printf(_("the link: eth0 of each host hN is cabled to port hN of bridge br0 in %s\n"), name);   /* BRIDGE */
	return rc ? 1 : 0;
}

/* ---- impair --------------------------------------------------------------------------- */

#define NETEM_HANDLE 0x10000u   /* 1: */
#define NETEM_CHILD 0x10001u    /* 1:1, where tbf goes under netem */

/* RTM_NEWQDISC kind on index (as `tc qdisc replace`): the options are added by fill. */
static struct nlmsghdr *qdisc_msg(char *buf, unsigned index, unsigned parent, unsigned handle, const char *kind)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = RTM_NEWQDISC;
	h->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	struct tcmsg *tc = mnl_nlmsg_put_extra_header(h, sizeof *tc);
	tc->tcm_family = AF_UNSPEC;
	tc->tcm_ifindex = (int)index;
	tc->tcm_parent = parent;
	tc->tcm_handle = handle;
	mnl_attr_put_strz(h, TCA_KIND, kind);
	return h;
}

static int tbf_set(struct nl_sock *ns, unsigned index, unsigned parent, unsigned long long bps, unsigned mtu)
{
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = qdisc_msg(buf, index, parent, 0, "tbf");
	unsigned long long bytes = bps / 8;
	/* a burst of 10 ms of traffic, and at least two full frames; a queue of 400 ms */
	unsigned burst = (unsigned)(bytes / 100 > 2u * (mtu + 14) ? bytes / 100 : 2u * (mtu + 14));
	if (burst < 3200)
		burst = 3200;
	unsigned long long limit = bytes * 4 / 10 + burst;
	struct tc_tbf_qopt q = { 0 };
	q.rate.rate = bytes >= 0xffffffffull ? 0xffffffffu : (unsigned)bytes;
	q.rate.linklayer = TC_LINKLAYER_ETHERNET;   /* no rate table needed */
	q.limit = limit > 0xffffffffull ? 0xffffffffu : (unsigned)limit;
	struct nlattr *opts = mnl_attr_nest_start(h, TCA_OPTIONS);
	mnl_attr_put(h, TCA_TBF_PARMS, sizeof q, &q);
	if (bytes >= 0xffffffffull)
		mnl_attr_put_u64(h, TCA_TBF_RATE64, bytes);
	mnl_attr_put_u32(h, TCA_TBF_BURST, burst);
	mnl_attr_nest_end(h, opts);
	return rt_do(ns, h, NULL, NULL, _("setting the rate (tbf)"));
}

/* netem for delay and loss; 0, 1 when refused, -1 when the kernel has no netem. */
static int netem_set(struct nl_sock *ns, unsigned index, long delay_ms, long loss_pct)
{
	char buf[MSG_SIZE] = { 0 };   /* libmnl leaves attribute padding as it finds it */
	struct nlmsghdr *h = qdisc_msg(buf, index, TC_H_ROOT, NETEM_HANDLE, "netem");
	struct tc_netem_qopt q = { 0 };
	q.limit = 1000;
	if (loss_pct > 0)
		q.loss = (unsigned)(loss_pct >= 100 ? 0xffffffffu : (0xffffffffull * (unsigned long long)loss_pct) / 100);
	struct nlattr *opts = mnl_attr_nest_start(h, TCA_OPTIONS);
	void *p = mnl_nlmsg_put_extra_header(h, sizeof q);   /* netem's options start with the struct */
	memcpy(p, &q, sizeof q);
	if (delay_ms > 0)
		mnl_attr_put_u64(h, TCA_NETEM_LATENCY64, (uint64_t)delay_ms * 1000000u);
	mnl_attr_nest_end(h, opts);
	struct nl_error e;
	if (nl_transact(ns, h, NULL, NULL, &e) == 0)
		return 0;
	if (e.err == ENOENT)
		return -1;
	return nl_report(ns, _("setting delay and loss (netem)"), &e);
}

struct impair_req {
	const struct lab_opts *o;
	int host;
};
static struct impair_req impair_req;

/* One end of the link (the port on the switch, or eth0 in the host). */
static int impair_end(int where, int unused)
{
	(void)unused;
	const struct lab_opts *o = impair_req.o;
	if (lab_enter(where) < 0)
		return 1;
	struct nl_sock ns;
	if (rt_open(&ns) < 0)
		return 1;
	char port[16];
	snprintf(port, sizeof port, "h%d", impair_req.host);
	unsigned idx = link_index(&ns, where ? HOST_IF : port);
	int rc = idx ? 0 : 1, netem = 0;
	if (!rc && o->mtu > 0)
		rc = link_set(&ns, idx, 0, (unsigned)o->mtu, _("setting the MTU"));
	if (!rc && (o->delay_ms > 0 || o->loss_pct > 0)) {
		netem = netem_set(&ns, idx, o->delay_ms, o->loss_pct);
		if (netem > 0)
			rc = 1;
	}
	if (!rc && o->rate_bps)
		rc = tbf_set(&ns, idx, netem == 0 && (o->delay_ms > 0 || o->loss_pct > 0) ? NETEM_CHILD : TC_H_ROOT,
			     o->rate_bps, o->mtu > 0 ? (unsigned)o->mtu : 1500);
	rt_close(&ns);
	return rc ? 1 : netem < 0 ? 3 : 0;
}

int lab_impair(int host, const struct lab_opts *o)
{
	impair_req.o = o;
	impair_req.host = host;
	int r1 = in_child(impair_end, 0, 0);
	int r2 = r1 == 1 ? 1 : in_child(impair_end, host, 0);
	if (r1 == 1 || r2 == 1)
		return 1;
	if (r1 == 3 || r2 == 3)
		fputs(_("lab: impair: this kernel has no netem (the qdisc kind is unknown: ENOENT), so "
			"--delay and --loss are not applied; the rest is\n"), stderr);
	int rc = lab_show();
	return r1 == 3 || r2 == 3 ? 1 : rc;
}
