{{%AUTOESCAPE context="HTML"}}
{{!
  An image node: the TOTP QR code, sent as data:image/png;base64,...
  The label is the alt text (no caption: text browsers and screen
  readers would read it twice).

  Why x-img-src: in a URL attribute, ctemplate 2.4's auto-escaper always
  checks the scheme and turns anything but http(s) into "#".  With :h or
  :html_escape_with_arg=attribute it appends :U=html anyway (and logs an
  error); :H=url and :img_src_url_escape_with_arg=html reject data: URIs
  too; :none would switch escaping off for untrusted data.  So render.cc
  registers x-img-src with AddXssSafeModifier: it passes a PNG, GIF, JPEG
  or WebP data: URI only when the payload is pure base64 (no character
  that can end the attribute or mean anything in HTML) and sends any other
  value through ctemplate's own URL check and HTML escaping.
}}
<div class="field node-img">{{BI_NEWLINE}}
	{{#ATTRIBUTES}}
		<img id="{{DOM_ID}}" src="{{SRC:x-img-src}}"
		{{#WIDTH}} width="{{WIDTH}}"{{/WIDTH}}
		{{#HEIGHT}} height="{{HEIGHT}}"{{/HEIGHT}}
		{{BI_SPACE}}alt="{{#META}}{{#LABEL}}{{TEXT}}{{/LABEL}}{{/META}}">
		{{BI_NEWLINE}}
	{{/ATTRIBUTES}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
