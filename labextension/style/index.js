import './base.css';
import './sidebar.css';
import './detail.css';
import './artifacts.css';
import './models.css';
import './diff.css';
import './monitoring.css';
import './reports.css';
