-- Pulled accounts (those with very many followers) are few; readers look
-- them up on every home timeline read.
CREATE INDEX accounts_pull ON accounts (id) WHERE pull = 1;
