<?php
// The benchmark's PHP reference: the sign-in form a web team would write
// by hand -- a PHP session (files handler) holding a CSRF token, and the
// same markup as Gatehouse's login page.  Each request without a session
// cookie starts a new session, as each Gatehouse login page starts a flow.
declare(strict_types=1);

session_start();
if (empty($_SESSION['csrf'])) {
    $_SESSION['csrf'] = base64_encode(random_bytes(48));
    $_SESSION['flow'] = bin2hex(random_bytes(16));
    $_SESSION['issued_at'] = time();
}
$base = 'http://' . ($_SERVER['HTTP_HOST'] ?? '127.0.0.1') . '/';
$e = static fn (string $s): string => htmlspecialchars($s, ENT_QUOTES | ENT_HTML5, 'UTF-8');
header('Content-Type: text/html; charset=utf-8');
header("Content-Security-Policy: default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
header('X-Content-Type-Options: nosniff');
header('Referrer-Policy: same-origin');
header('X-Frame-Options: DENY');
header('Cache-Control: no-store');
?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>Sign in · Gatehouse</title>
<link rel="stylesheet" href="<?= $e($base) ?>static/css/gatehouse.css">
</head>
<body>
<header class="site-header">
<a class="brand" href="<?= $e($base) ?>">Gatehouse</a>
<nav class="site-nav" aria-label="Account">
<a href="<?= $e($base) ?>login.php">Sign in</a><span class="sep"> | </span><a href="<?= $e($base) ?>registration.php">Sign up</a>
</nav>
</header>
<main class="card">
<h1>Sign in</h1>
<div class="messages">
</div>
<form class="form form-password" action="<?= $e($base) ?>login.php?flow=<?= $e($_SESSION['flow']) ?>" method="POST">
<div class="field">
<label for="password-identifier">Email</label>
<input id="password-identifier" name="identifier" type="text" value="<?= $e((string)($_POST['identifier'] ?? '')) ?>" required autocomplete="username">
</div>
<input type="hidden" name="csrf_token" value="<?= $e($_SESSION['csrf']) ?>">
<div class="field">
<label for="password-password">Password</label>
<input id="password-password" name="password" type="password" value="" required autocomplete="current-password">
</div>
<div class="field field-submit">
<button type="submit" id="password-method" name="method" value="password">Sign in with password</button>
</div>
</form>
<p class="alt-links">No account? <a href="<?= $e($base) ?>registration.php">Sign up</a></p>
</main>
<footer class="site-footer">
<p>Gatehouse · works without JavaScript</p>
</footer>
</body>
</html>
