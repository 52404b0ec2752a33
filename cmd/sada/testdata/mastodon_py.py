"""Drive a running sada with Mastodon.py, a real third-party client library.

Usage: python3 mastodon_py.py BASE_URL
Exits non-zero with a message on the first thing that does not work.
"""
import sys

from mastodon import Mastodon

base = sys.argv[1]
scopes = ["read", "write", "follow"]

client_id, client_secret = Mastodon.create_app("sada-ci", api_base_url=base, scopes=scopes)
registrar = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
for name in ("dariush", "shirin"):
    registrar.create_account(name, "password-" + name, name + "@example.org", agreement=True, locale="fa", scopes=scopes)

# Log in with the password grant, by e-mail for one and username for the other,
# as log_in does in Mastodon.py and toot.
dariush = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
dariush.log_in("dariush@example.org", "password-dariush", scopes=scopes)
shirin = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
shirin.log_in("shirin", "password-shirin", scopes=scopes)

me = dariush.account_verify_credentials()
assert me.username == "dariush", me

instance = dariush.instance()
assert instance.configuration.statuses.max_characters == 140, instance.configuration

text = "مردم در خیابان‌ها هستند #تهران"
posted = dariush.status_post(text)
assert "مردم در خیابان" in posted.content, posted.content

target = shirin.account_lookup("dariush")
rel = shirin.account_follow(target.id)
assert rel.following, rel

home = shirin.timeline_home()
assert any(s.id == posted.id for s in home), [s.id for s in home]
assert any("مردم در خیابان" in s.content for s in home)

reply = shirin.status_post("@dariush ما هم هستیم", in_reply_to_id=posted.id)
ctx = dariush.status_context(posted.id)
assert any(s.id == reply.id for s in ctx.descendants), ctx

shirin.status_favourite(posted.id)
notes = dariush.notifications()
kinds = sorted({n.type for n in notes})
assert {"follow", "mention", "favourite"} <= set(kinds), kinds

tagged = shirin.timeline_hashtag("تهران")
assert any(s.id == posted.id for s in tagged), tagged

print("mastodon.py ok:", len(home), "home statuses,", ",".join(kinds), "notifications")
