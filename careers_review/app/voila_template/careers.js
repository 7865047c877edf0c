// The page's own script (an upload size guard goes here).
