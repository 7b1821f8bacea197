; Inno Setup script for Windows: run `make package` (or the PyInstaller command in
; packaging/README.md) on Windows first, then compile this with ISCC.exe packaging\irgroups.iss
[Setup]
AppName=IR Groups
AppVersion=0.1.0
AppPublisher=IR Groups contributors
DefaultDirName={autopf}\IR Groups
DefaultGroupName=IR Groups
OutputBaseFilename=irgroups-0.1.0-setup
OutputDir=..\dist
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes

[Files]
Source: "..\dist\irgroups\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\IR Groups"; Filename: "{app}\irgroups-gui.exe"
Name: "{autodesktop}\IR Groups"; Filename: "{app}\irgroups-gui.exe"; Tasks: desktopicon

[Tasks]
Name: desktopicon; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
Root: HKA; Subkey: "Software\Classes\.jdx\OpenWithProgids"; ValueType: string; ValueName: "IRGroups.jdx"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\IRGroups.jdx\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\irgroups-gui.exe"" ""%1"""

[Run]
Filename: "{app}\irgroups-gui.exe"; Description: "Start IR Groups"; Flags: nowait postinstall skipifsilent
