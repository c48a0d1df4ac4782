-- Dashboard sign-in (Auth/SignIn): a user's login, password hash (ASP.NET Core Identity's PasswordHasher), failed
-- sign-ins and lockout, and a security stamp that a password change renews (ending every other session).
-- The latest version of a row wins (ReplacingMergeTree, read with FINAL).
CREATE TABLE IF NOT EXISTS user_credentials
(
    user_id String,
    login String,
    password_hash String,
    failed_sign_ins UInt32,
    locked_until DateTime,
    security_stamp String,
    changed_at DateTime,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY user_id;

-- One-time links: an invitation (sets the password) or a sign-in link. Only the SHA-256 of a link's token is stored.
CREATE TABLE IF NOT EXISTS user_links
(
    link_hash String,
    user_id String,
    kind String,
    login String,
    created_at DateTime,
    expires_at DateTime,
    used UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY link_hash
