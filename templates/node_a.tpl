{{%AUTOESCAPE context="HTML"}}
{{!
  A link node.  Its title is a message object, so the link text sits in
  the section TITLE; href goes through ctemplate's URL check.
}}
<p class="field node-a">
	{{#ATTRIBUTES}}
		<a id="{{DOM_ID}}" href="{{HREF}}">{{#TITLE}}{{TEXT}}{{/TITLE}}</a>
	{{/ATTRIBUTES}}
</p>{{BI_NEWLINE}}
