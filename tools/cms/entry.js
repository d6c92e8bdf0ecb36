// Entry of the vendored Sveltia CMS bundle (built by tools/update_cms.sh, served in parts as
// /admin/cms-1.js, cms-2.js, ... that the admin page joins and runs as one module).
// The admin page (written by ocop/admin.py) sets window.OCOP_CMS = {previewStyles: [...]} before loading it.
import CMS from '@sveltia/cms';

for (const href of (window.OCOP_CMS && window.OCOP_CMS.previewStyles) || []) {
  CMS.registerPreviewStyle(href);
}
CMS.init();
