"""The outbox: emails written in the same transaction as the change that causes them, and
delivered later by `flask send-notifications`, so a mail server that is down loses none."""
