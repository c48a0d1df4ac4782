-- API tokens of users: only a SHA-256 of each token is stored.
CREATE TABLE IF NOT EXISTS api_tokens
(
    token_hash String,
    user_name String,
    role String,
    created_at DateTime,
    updated_at DateTime,
    revoked UInt8
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY token_hash
